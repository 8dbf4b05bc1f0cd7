import { FeishuEmulator } from '../emulator.js';
import {
  APP,
  exchangeCode,
  type Json,
  postJson,
  refreshGrant,
  SECRET,
  TOKEN_V2_PATH,
} from '../emulator.spec-harness.js';

describe('HTTP control API /__emulator/*', () => {
  let emulator: FeishuEmulator;
  let openId: string;

  const control = async (method: 'GET' | 'POST', action: string, body?: Json | string) => {
    const init: RequestInit = { method };
    if (body !== undefined) {
      init.headers = { 'Content-Type': 'application/json' };
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await fetch(`${emulator.url}/__emulator/${action}`, init);
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const post = (path: string, body: Json) => postJson(emulator.url, path, body);
  const exchange = (code: unknown) => exchangeCode(emulator, code);
  const issueCode = async () =>
    (
      (await control('POST', 'issue-code', { appId: APP, openId, scopes: ['offline_access'] }))
        .body as Json
    ).code;
  const tenantToken = async () =>
    (
      await post('/open-apis/auth/v3/tenant_access_token/internal', {
        app_id: APP,
        app_secret: SECRET,
      })
    ).body;
  const userInfoStatus = async (token: unknown) =>
    (
      await fetch(`${emulator.url}/open-apis/authen/v1/user_info`, {
        headers: { Authorization: `Bearer ${String(token)}` },
      })
    ).status;

  beforeEach(async () => {
    emulator = await FeishuEmulator.start();
    openId = emulator.users[0].openId;
  });
  afterEach(() => emulator.close());

  it('GET stats and POST reset-stats should report and clear the counters', async () => {
    await tenantToken();
    await tenantToken();
    expect(await control('GET', 'stats')).toEqual({
      status: 200,
      body: { 'tenant_access_token.internal': 2 },
    });
    expect(await control('POST', 'reset-stats')).toEqual({ status: 200, body: { ok: true } });
    expect((await control('GET', 'stats')).body).toEqual({});
  });

  it('POST fail-next and clear-faults should arm and disarm a fault', async () => {
    expect(
      await control('POST', 'fail-next', {
        endpoint: 'tenant_access_token.internal',
        status: 500,
        code: 10014,
        times: 2,
      }),
    ).toEqual({ status: 200, body: { ok: true } });
    expect((await tenantToken()).code).toBe(10014);
    expect(await control('POST', 'clear-faults')).toEqual({ status: 200, body: { ok: true } });
    expect((await tenantToken()).code).toBe(0);
  });

  it('POST fail-next should refuse an invalid fault with 400', async () => {
    expect(await control('POST', 'fail-next', { status: 42 })).toEqual({
      status: 400,
      body: { code: 400, msg: 'fault.status must be an HTTP status (100-599)' },
    });
  });

  it('POST token-lifetimes should shorten the next tokens and refuse unknown names', async () => {
    expect(await control('POST', 'token-lifetimes', { appToken: 600 })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect((await tenantToken()).expire).toBe(600);
    expect(await control('POST', 'token-lifetimes', { nope: 1 })).toMatchObject({
      status: 400,
      body: { code: 400, msg: 'unknown token lifetime: nope' },
    });
  });

  it('POST invalidate-token should kill a user token and report whether it existed', async () => {
    const tokens = (await exchange(await issueCode())).body;
    expect(await userInfoStatus(tokens.access_token)).toBe(200);
    expect(await control('POST', 'invalidate-token', { token: tokens.access_token })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(await userInfoStatus(tokens.access_token)).toBe(400);
    expect((await control('POST', 'invalidate-token', { token: 'never-issued' })).body).toEqual({
      ok: false,
    });
    expect(await control('POST', 'invalidate-token', {})).toEqual({
      status: 400,
      body: { code: 400, msg: 'token must be a non-empty string' },
    });
  });

  it('POST invalidate-tenant-tokens should kill the tenant tokens of one app', async () => {
    const before = await tenantToken();
    expect(await control('POST', 'invalidate-tenant-tokens', { appId: APP })).toEqual({
      status: 200,
      body: { ok: true },
    });
    const after = await tenantToken();
    expect(after.tenant_access_token).not.toBe(before.tenant_access_token);
  });

  it('POST revoke-refresh-tokens should make the next refresh answer 20064', async () => {
    const tokens = (await exchange(await issueCode())).body;
    expect(await control('POST', 'revoke-refresh-tokens', { openId })).toEqual({
      status: 200,
      body: { ok: true },
    });
    const refreshed = await post(TOKEN_V2_PATH, refreshGrant(tokens.refresh_token));
    expect(refreshed.body.code).toBe(20064);
  });

  it('POST issue-code should mint an exchangeable code and refuse an unknown user', async () => {
    const code = await issueCode();
    expect(String(code)).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect((await exchange(code)).body).toMatchObject({ code: 0, scope: 'offline_access' });
    expect(await control('POST', 'issue-code', { appId: APP, openId: 'ou_nope' })).toEqual({
      status: 400,
      body: { code: 400, msg: 'unknown user: ou_nope' },
    });
  });

  it('POST push-app-ticket should mint a ticket and refuse a self-built app', async () => {
    expect(await control('POST', 'push-app-ticket', { appId: 'cli_emulator_store' })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(await control('POST', 'push-app-ticket', { appId: APP })).toEqual({
      status: 400,
      body: { code: 400, msg: `${APP} is not a store app: no app_ticket` },
    });
  });

  it('POST verify-event-url should report an app without an event URL', async () => {
    expect(await control('POST', 'verify-event-url', { appId: APP })).toEqual({
      status: 200,
      body: { verified: false, failure: 'no-event-url' },
    });
    expect((await control('POST', 'verify-event-url', { appId: 'cli_nope' })).status).toBe(400);
  });

  it('GET apps and GET users should list the current registry', async () => {
    emulator.addApp({ appId: 'cli_added' });
    const apps = (await control('GET', 'apps')).body as Array<{ appId: string }>;
    expect(apps.map((app) => app.appId)).toEqual([
      'cli_emulator_selfbuilt',
      'cli_emulator_store',
      'cli_emulator_other',
      'cli_emulator_nooffline',
      'cli_added',
    ]);
    const users = (await control('GET', 'users')).body as Array<{ openId: string }>;
    expect(users.map((user) => user.openId)).toEqual(emulator.users.map((user) => user.openId));
  });

  it('should answer 404 for an unknown action or method and 400 for a body that is not a JSON object', async () => {
    expect(await control('POST', 'nope')).toEqual({
      status: 404,
      body: { code: 404, msg: 'unknown control action: POST /__emulator/nope' },
    });
    expect((await control('GET', 'reset-stats')).status).toBe(404);
    expect(await control('POST', 'fail-next', '{oops')).toEqual({
      status: 400,
      body: { code: 400, msg: 'the body must be a JSON object' },
    });
  });

  it('should not count control calls in stats', async () => {
    await control('GET', 'stats');
    await control('POST', 'reset-stats');
    expect(emulator.stats()).toEqual({});
  });
});
