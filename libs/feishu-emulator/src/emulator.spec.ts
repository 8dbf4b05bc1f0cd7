import { FeishuEmulator } from './emulator.js';
import { authorize, exchangeCode, REDIRECT, tenantToken } from './emulator.spec-harness.js';

describe('FeishuEmulator', () => {
  let emulator: FeishuEmulator;

  beforeEach(async () => {
    emulator = await FeishuEmulator.start();
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('should listen on a loopback URL and expose the default apps and users', () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.apps.map((app) => app.appId)).toEqual([
      'cli_emulator_selfbuilt',
      'cli_emulator_store',
      'cli_emulator_other',
      'cli_emulator_nooffline',
    ]);
    for (const user of emulator.users) {
      expect(user.openId).toMatch(/^ou_[0-9a-f]{32}$/);
      expect(user.unionId).toMatch(/^on_[0-9a-f]{32}$/);
    }
  });

  it('should answer an unknown path with 404 JSON and a log id', async () => {
    const response = await fetch(`${emulator.url}/nope`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-tt-logid')).toMatch(/^\d{14}[0-9A-F]{20}$/);
    expect(await response.json()).toMatchObject({ code: 404 });
  });

  it('should walk a login: authorize with login_hint, v2 code exchange, user_info, tenant token, sample route', async () => {
    const user = emulator.users[0];
    const redirect = await authorize(emulator, {
      scope: 'offline_access contact:user.email:readonly',
      state: 's1',
      login_hint: user.openId,
    });
    expect(redirect.status).toBe(302);
    const location = new URL(redirect.location ?? '');
    expect(location.searchParams.get('state')).toBe('s1');
    const code = location.searchParams.get('code') ?? '';
    expect(code).toMatch(/^[A-Za-z0-9_-]{64}$/);

    const token = await exchangeCode(emulator, code, { redirect_uri: REDIRECT });
    expect(token.status).toBe(200);
    const tokens = token.body;
    expect(tokens).toMatchObject({
      code: 0,
      expires_in: 7200,
      token_type: 'Bearer',
      refresh_token_expires_in: 604800,
    });
    expect(tokens.access_token).toMatch(/^eyJ/);

    const info = await fetch(`${emulator.url}/open-apis/authen/v1/user_info`, {
      headers: { Authorization: `Bearer ${String(tokens.access_token)}` },
    });
    expect(await info.json()).toMatchObject({
      code: 0,
      data: { open_id: user.openId, email: user.email },
    });

    const tat = await tenantToken(emulator);
    expect(tat).toMatch(/^t-/);

    const contact = await fetch(`${emulator.url}/open-apis/contact/v3/users/${user.openId}`, {
      headers: { Authorization: `Bearer ${tat}` },
    });
    expect(await contact.json()).toMatchObject({
      code: 0,
      data: { user: { open_id: user.openId } },
    });

    expect(emulator.stats()).toEqual({
      authorize: 1,
      'token.v2.authorization_code': 1,
      user_info: 1,
      'tenant_access_token.internal': 1,
      'openapi.contact.user': 1,
    });
  });
});
