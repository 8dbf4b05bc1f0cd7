import {
  BadGatewayException,
  BadRequestException,
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Post,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { IN_APP_EMULATOR_ONLY, IN_APP_UNKNOWN_USER } from './demo.messages.js';
import type { DemoSettings } from './demo.settings.js';
import { html, SafeHtml } from './html.util.js';
import { renderPage } from './page.layout.js';

interface EmulatorUserSummary {
  openId: string;
  name: string;
  enName?: string;
}

const OPEN_ID = /^ou_[A-Za-z0-9_-]{1,64}$/;

/**
 * `/in-app`: the login inside the Feishu client, simulated on the embedded emulator. The page's
 * script does what a web app's front end does in the client (get a code, post it to
 * `/auth/feishu/code`), except that the code comes from the emulator's control API instead of the
 * client's `requestAccess` JSAPI.
 */
@Controller('in-app')
export class InAppController {
  private readonly demo: DemoSettings;

  constructor(config: ConfigService) {
    this.demo = config.getOrThrow<DemoSettings>('demo');
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async page(): Promise<string> {
    const body =
      this.demo.emulatorUrl === undefined
        ? realFeishuNotice()
        : simulator(await this.emulatorUsers(this.demo.emulatorUrl));
    return renderPage({
      title: 'Login inside the Feishu client',
      target: this.demo.targetLabel,
      body,
    });
  }

  /**
   * Stands in for `tt.requestAccess`: the emulator mints a code for the chosen user and this app,
   * bound to no redirect URI, single use, valid 5 minutes. Only on the emulator.
   */
  @Post('simulated-code')
  @HttpCode(200)
  async simulatedCode(@Body() body: unknown): Promise<{ code: string }> {
    const emulatorUrl = this.demo.emulatorUrl;
    if (emulatorUrl === undefined) {
      throw new NotFoundException(IN_APP_EMULATOR_ONLY);
    }
    const openId = (body as { openId?: unknown } | undefined)?.openId;
    if (typeof openId !== 'string' || !OPEN_ID.test(openId)) {
      throw new BadRequestException(IN_APP_UNKNOWN_USER);
    }
    const response = await fetch(`${emulatorUrl}/__emulator/issue-code`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ appId: this.demo.appId, openId, scopes: ['offline_access'] }),
    });
    const issued = (await response.json()) as { code?: unknown };
    if (response.status === 400) {
      throw new BadRequestException(IN_APP_UNKNOWN_USER);
    }
    if (!response.ok || typeof issued.code !== 'string') {
      throw new BadGatewayException('The emulator did not issue a code.');
    }
    return { code: issued.code };
  }

  private async emulatorUsers(emulatorUrl: string): Promise<EmulatorUserSummary[]> {
    const response = await fetch(`${emulatorUrl}/__emulator/users`);
    return (await response.json()) as EmulatorUserSummary[];
  }
}

function simulator(users: EmulatorUserSummary[]): SafeHtml {
  return html`<section class="card">
      <h1>Login inside the Feishu client</h1>
      <p>
        Inside the Feishu client a web app calls the <code>requestAccess</code> JSAPI, gets an
        authorization code without any redirect, and posts it to
        <code>POST /auth/feishu/code</code>, guarded by <code>FeishuCodeGuard</code>. Here the
        emulator plays the client: pick a user, the page gets a code for them and posts it.
      </p>
      <table>
        <tr>
          <th>User</th>
          <th>Web app (session cookie)</th>
          <th>Mini-program (no cookie)</th>
        </tr>
        ${users.map(
          (user) =>
            html`<tr>
              <td>${user.name} <span class="muted">${user.enName ?? ''}</span></td>
              <td>
                <button
                  class="button"
                  data-testid="in-app-cookie-${user.openId}"
                  data-open-id="${user.openId}"
                  data-session="cookie"
                >
                  Sign in
                </button>
              </td>
              <td>
                <button
                  class="button secondary"
                  data-testid="in-app-token-${user.openId}"
                  data-open-id="${user.openId}"
                  data-session="token"
                >
                  Sign in with a session token
                </button>
              </td>
            </tr>`,
        )}
      </table>
      <pre data-testid="in-app-result" class="muted"></pre>
    </section>
    <script>
      ${new SafeHtml(SIMULATOR_SCRIPT)};
    </script>`;
}

// Plain browser JavaScript, no build step: the two requests a front end in the client makes.
const SIMULATOR_SCRIPT = `
  const result = document.querySelector('[data-testid="in-app-result"]');
  const postJson = (url, body) => fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  async function signIn(openId, session) {
    result.textContent = 'Asking the emulator for a code (stands in for tt.requestAccess)…';
    const issued = await postJson('/in-app/simulated-code', { openId });
    const { code } = await issued.json();
    result.textContent = 'Posting the code to /auth/feishu/code…';
    const response = await postJson('/auth/feishu/code', session === 'token' ? { code, session } : { code });
    const body = await response.json();
    if (!response.ok) {
      result.textContent = 'Refused: ' + JSON.stringify(body, null, 2);
      return;
    }
    if (session === 'cookie') {
      location.href = '/';
      return;
    }
    const me = await fetch('/api/me', {
      credentials: 'omit',
      headers: { 'X-Feishu-Session': body.sessionToken },
    });
    result.textContent = 'Signed in without a cookie; the session token lives ' + body.expiresIn +
      ' s. GET /api/me with X-Feishu-Session answered ' + me.status + ':\\n' +
      JSON.stringify(await me.json(), null, 2);
  }
  document.querySelectorAll('button[data-open-id]').forEach((button) =>
    button.addEventListener('click', () =>
      signIn(button.dataset.openId, button.dataset.session).catch((error) => {
        result.textContent = 'Failed: ' + error;
      }),
    ),
  );
`;

function realFeishuNotice(): SafeHtml {
  return html`<section class="card">
    <h1>Login inside the Feishu client</h1>
    <p>
      This demo runs on real Feishu, so the page cannot stand in for the client. In your web app,
      call <code>tt.requestAccess</code> inside the Feishu client and post the code to
      <code>POST /auth/feishu/code</code>: see <code>docs/in-app-login.md</code>. Run the demo on
      the embedded emulator (unset the FEISHU_* variables) to try it here.
    </p>
  </section>`;
}
