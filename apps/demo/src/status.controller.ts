import { Controller, Get, Header, Req } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { FeishuSessionService, type FeishuHttpRequest } from '@feishu-auth/nestjs';
import type { DemoSettings } from './demo.settings.js';
import { html, type SafeHtml } from './html.util.js';
import { renderPage } from './page.layout.js';
import { describeExpiry } from './time.util.js';
import {
  TokenStatusReader,
  type DemoCachedToken,
  type DemoTokenStatus,
} from './token-status.reader.js';

/** The TokenService's state: `/status` for a person (it reloads itself), `/api/status` as JSON. */
@Controller()
export class StatusController {
  private readonly demo: DemoSettings;

  constructor(
    private readonly status: TokenStatusReader,
    private readonly sessions: FeishuSessionService,
    config: ConfigService,
  ) {
    this.demo = config.getOrThrow<DemoSettings>('demo');
  }

  @Get('api/status')
  @Header('Cache-Control', 'no-store')
  async json(@Req() request: FeishuHttpRequest): Promise<DemoTokenStatus> {
    return this.status.snapshot(await this.viewer(request));
  }

  @Get('status')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async page(@Req() request: FeishuHttpRequest): Promise<string> {
    const status = await this.status.snapshot(await this.viewer(request));
    return renderPage({
      title: 'Token status',
      target: this.demo.targetLabel,
      body: html`${cachedTokens(status)}${serviceCounters(status)}`,
      refreshSeconds: 5,
    });
  }

  /** The signed-in visitor's open_id: the only one these pages show. */
  private async viewer(request: FeishuHttpRequest): Promise<string | undefined> {
    return (await this.sessions.get(request))?.openId;
  }
}

function cachedTokens(status: DemoTokenStatus): SafeHtml {
  return html`<section class="card">
    <h1>Token status</h1>
    <p class="muted">
      The tokens this instance holds and when each is renewed: app and tenant tokens with
      ${status.margins.appTokenSeconds} s left, user tokens with ${status.margins.userTokenSeconds}
      s left. This page reloads every 5 seconds; the same data is at
      <a href="/api/status">/api/status</a>. No token is ever shown, and no open_id but your own.
    </p>
    <table data-testid="cached-tokens">
      <tr>
        <th>Token</th>
        <th>Expires</th>
        <th>Renewed from</th>
        <th>Renewals (proactive)</th>
        <th>Failures</th>
      </tr>
      ${
        status.tokens.length === 0
          ? html`<tr>
              <td colspan="5" class="muted">None yet: sign in, or call /api/tenant.</td>
            </tr>`
          : status.tokens.map((token) => tokenRow(token, status.now))
      }
    </table>
  </section>`;
}

function tokenRow(token: DemoCachedToken, now: number): SafeHtml {
  return html`<tr data-testid="token-${token.kind}">
    <td>${token.kind} ${subjectCell(token.subject)}</td>
    <td>${describeExpiry(token.expiresAt, now)}</td>
    <td>${describeExpiry(token.renewsFrom, now)}</td>
    <td>${token.renewals} (${token.proactiveRenewals})</td>
    <td>
      ${token.failures}${token.lastError ? html`<div class="muted">${token.lastError}</div>` : undefined}
    </td>
  </tr>`;
}

/** A user's open_id only on their own row (tenant keys and app ids are shown as they are). */
function subjectCell(subject: string | undefined): SafeHtml {
  return subject === undefined
    ? html`<span class="muted">(another visitor)</span>`
    : html`<code>${subject}</code>`;
}

function serviceCounters(status: DemoTokenStatus): SafeHtml {
  const service = status.service;
  const failures = Object.entries(service.failures);
  return html`<section class="card">
    <h2>TokenService.status()</h2>
    <table data-testid="service-status">
      <tr>
        <th>Renewals: app / tenant / user</th>
        <td>${service.refreshes.app} / ${service.refreshes.tenant} / ${service.refreshes.user}</td>
      </tr>
      <tr>
        <th>Of which proactive</th>
        <td>${service.proactiveRefreshes}</td>
      </tr>
      <tr>
        <th>Failures</th>
        <td>
          ${
            failures.length === 0
              ? 'none'
              : failures.map(([kind, count]) => `${kind}: ${count}`).join(', ')
          }
        </td>
      </tr>
      <tr>
        <th>Next app / tenant renewal</th>
        <td>${describeExpiry(service.nextAppTokenDueAt, status.now)}</td>
      </tr>
      <tr>
        <th>Last renewal</th>
        <td>${describeExpiry(service.lastRefreshAt, status.now)}</td>
      </tr>
      <tr>
        <th>Last failure</th>
        <td>${describeExpiry(service.lastFailureAt, status.now)}</td>
      </tr>
      <tr>
        <th>Callers that waited for Feishu</th>
        <td>${service.callerWaits}</td>
      </tr>
      <tr>
        <th>Scheduler</th>
        <td>
          ${service.schedulerRunning ? 'running' : 'stopped'}, ${service.schedulerTicks} ticks
        </td>
      </tr>
    </table>
  </section>`;
}
