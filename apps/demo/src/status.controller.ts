import { Controller, Get, Header } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { DemoSettings } from './demo.settings.js';
import { html } from './html.util.js';
import { renderPage } from './page.layout.js';
import { describeExpiry } from './time.util.js';
import { TokenStatusReader, type DemoTokenStatus } from './token-status.reader.js';

/** The TokenService's state: `/status` for a person (reloads itself), `/api/status` as JSON. */
@Controller()
export class StatusController {
  private readonly demo: DemoSettings;

  constructor(
    private readonly status: TokenStatusReader,
    config: ConfigService,
  ) {
    this.demo = config.getOrThrow<DemoSettings>('demo');
  }

  @Get('api/status')
  @Header('Cache-Control', 'no-store')
  json(): DemoTokenStatus {
    return this.status.snapshot();
  }

  @Get('status')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    const status = this.status.snapshot();
    const failures = Object.entries(status.failures);
    const body = html`<section class="card">
        <h1>Token status</h1>
        <p class="muted">
          What the TokenService holds and when it renews it. This page reloads every 5 seconds; the
          same data is at <a href="/api/status">/api/status</a>. No token is ever shown.
        </p>
        <table data-testid="status-counters">
          <tr>
            <th>Renewals</th>
            <th>app</th>
            <th>tenant</th>
            <th>user</th>
            <th>proactive</th>
          </tr>
          <tr>
            <td></td>
            <td>${status.refreshes.app}</td>
            <td>${status.refreshes.tenant}</td>
            <td>${status.refreshes.user}</td>
            <td>${status.proactiveRefreshes}</td>
          </tr>
        </table>
      </section>
      <section class="card">
        <table>
          <tr>
            <th>Next app / tenant renewal</th>
            <td>${describeExpiry(status.nextAppTokenDueAt, status.now)}</td>
          </tr>
          <tr>
            <th>Last renewal</th>
            <td>${describeExpiry(status.lastRefreshAt, status.now)}</td>
          </tr>
          <tr>
            <th>Last failure</th>
            <td>${describeExpiry(status.lastFailureAt, status.now)}</td>
          </tr>
          <tr>
            <th>Failures</th>
            <td>
              ${failures.length === 0 ? 'none' : failures.map(([kind, count]) => `${kind}: ${count}`).join(', ')}
            </td>
          </tr>
          <tr>
            <th>Callers that waited for Feishu</th>
            <td>${status.callerWaits}</td>
          </tr>
          <tr>
            <th>Scheduler</th>
            <td>
              ${status.schedulerRunning ? 'running' : 'stopped'}, ${status.schedulerTicks} ticks
            </td>
          </tr>
        </table>
      </section>`;
    return renderPage({
      title: 'Token status',
      target: this.demo.targetLabel,
      body,
      refreshSeconds: 5,
    });
  }
}
