import { Controller, Get, Header, Inject, Query, Req } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  FeishuSessionService,
  FeishuTokenStore,
  type FeishuHttpRequest,
  type FeishuProfile,
  type FeishuSessionRecord,
} from '@feishu-auth/nestjs';
import { CONSENT_DENIED, LOGIN_FAILED } from './demo.messages.js';
import type { DemoSettings } from './demo.settings.js';
import { html, type SafeHtml } from './html.util.js';
import { renderPage } from './page.layout.js';
import { describeExpiry } from './time.util.js';
import { TokenStatusReader } from './token-status.reader.js';

/** `/`: a login link when signed out; the profile and token expiry times when signed in. */
@Controller()
export class HomeController {
  private readonly demo: DemoSettings;

  constructor(
    private readonly sessions: FeishuSessionService,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
    private readonly status: TokenStatusReader,
    config: ConfigService,
  ) {
    this.demo = config.getOrThrow<DemoSettings>('demo');
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async home(@Req() request: FeishuHttpRequest, @Query('error') error?: unknown): Promise<string> {
    const session = await this.sessions.get(request);
    const notice = typeof error === 'string' ? loginErrorNotice(error) : undefined;
    const body = session ? await this.signedIn(session) : this.signedOut();
    return renderPage({
      title: session ? session.profile.name : 'Sign in',
      target: this.demo.targetLabel,
      body: html`${notice}${body}`,
    });
  }

  private signedOut(): SafeHtml {
    return html`<section class="card">
        <h1>Feishu login for NestJS</h1>
        <p>
          This demo signs you in with Feishu through <code>@feishu-auth/nestjs</code>, keeps your
          tokens on the server and renews them before they expire.
        </p>
        <a class="button" data-testid="login" href="/auth/feishu/login">Login with Feishu</a>
        <a class="button secondary" data-testid="in-app-link" href="/in-app"
          >Login inside the Feishu client</a
        >
      </section>
      ${
        this.demo.target === 'emulator'
          ? html`<section class="notice info">
              No Feishu account needed: the login goes to the embedded emulator, where you pick one
              of its test users and approve.
            </section>`
          : undefined
      }`;
  }

  private async signedIn(session: FeishuSessionRecord): Promise<SafeHtml> {
    const profile = session.profile;
    const now = Date.now();
    const userTokens = await this.store.getUserToken(this.demo.appId, profile.openId);
    const tenantToken = this.status.tenantTokenExpiry(profile.tenantKey);
    return html`<section class="card profile">
        ${avatar(profile)}
        <div>
          <h1 data-testid="user-name">${profile.name}</h1>
          <div class="muted">${[profile.enName, profile.email].filter(Boolean).join(' · ')}</div>
          <div>Tenant <code data-testid="tenant">${profile.tenantKey}</code></div>
          <div class="muted">open_id <code>${profile.openId}</code></div>
        </div>
      </section>
      <section class="card">
        <h2>Your tokens</h2>
        <table data-testid="token-expiry">
          <tr>
            <th>Token</th>
            <th>Expires</th>
          </tr>
          <tr>
            <td>user_access_token</td>
            <td>${describeExpiry(userTokens?.accessTokenExpiresAt, now)}</td>
          </tr>
          <tr>
            <td>refresh_token</td>
            <td>${describeExpiry(userTokens?.refreshTokenExpiresAt, now)}</td>
          </tr>
          <tr>
            <td>tenant_access_token (${profile.tenantKey})</td>
            <td>
              ${
                tenantToken === undefined
                  ? html`not fetched yet: <a href="/api/tenant">/api/tenant</a> fetches it`
                  : describeExpiry(tenantToken, now)
              }
            </td>
          </tr>
        </table>
        <p class="muted">
          The tokens never leave the server: the browser holds only a signed session id. They are
          renewed before they expire; watch it happen on <a href="/status">/status</a>.
        </p>
      </section>
      <section class="card">
        <h2>Try the API</h2>
        <ul class="links">
          <li><a href="/api/me">/api/me</a>: your profile, through <code>FeishuAuthGuard</code></li>
          <li>
            <a href="/api/tenant">/api/tenant</a>: an OpenAPI call with
            <code>@TenantAccessToken()</code>
          </li>
          <li>
            <a href="/api/user-call">/api/user-call</a>: an OpenAPI call with
            <code>@UserAccessToken()</code>
          </li>
          <li>
            <a href="/api/tenant-client">/api/tenant-client</a>: the tenant call again, through
            <code>FeishuClient.request</code>
          </li>
          <li><a href="/api/status">/api/status</a>: the token service's state as JSON</li>
        </ul>
      </section>
      <form method="post" action="/auth/feishu/logout">
        <button class="button secondary" type="submit" data-testid="logout">Log out</button>
      </form>`;
  }
}

function avatar(profile: FeishuProfile): SafeHtml {
  const source = profile.avatarMiddle ?? profile.avatarUrl ?? profile.avatarThumb;
  // Feishu serves avatars over https; the emulator inlines small SVG data URIs.
  if (source !== undefined && /^(https?:\/\/|data:image\/)/i.test(source)) {
    return html`<img src="${source}" alt="" data-testid="avatar" />`;
  }
  return html`<img alt="" data-testid="avatar" />`;
}

function loginErrorNotice(reason: string): SafeHtml {
  const known = /^[a-z_]{1,40}$/.test(reason);
  const message =
    reason === 'consent_denied'
      ? CONSENT_DENIED
      : known
        ? `${LOGIN_FAILED} (${reason})`
        : LOGIN_FAILED;
  return html`<section class="notice error" role="alert" data-testid="login-error">
    ${message}
  </section>`;
}
