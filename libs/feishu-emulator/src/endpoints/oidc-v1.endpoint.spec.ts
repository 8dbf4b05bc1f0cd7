import {
  APP,
  bearer,
  emulatorPerTest,
  type Json,
  postJson,
  SECRET,
} from '../emulator.spec-harness.js';

const ACCESS_PATH = '/open-apis/authen/v1/oidc/access_token';
const REFRESH_PATH = '/open-apis/authen/v1/oidc/refresh_access_token';

describe('legacy v1 OIDC: /open-apis/authen/v1/oidc/*', () => {
  const t = emulatorPerTest();

  const post = (path: string, body: Json, headers: Record<string, string> = {}) =>
    postJson(t.emulator.url, path, body, headers);
  const appToken = async (appId = APP, secret = SECRET) =>
    String(
      (
        await post('/open-apis/auth/v3/app_access_token/internal', {
          app_id: appId,
          app_secret: secret,
        })
      ).body.app_access_token,
    );
  const issue = (appId = APP) =>
    t.emulator.issueAuthorizationCode({ appId, openId: t.openId, scopes: ['offline_access'] });
  const exchange = async (code: string, token: string) =>
    post(ACCESS_PATH, { grant_type: 'authorization_code', code }, bearer(token));
  const refresh = async (refreshToken: unknown, token: string) =>
    post(REFRESH_PATH, { grant_type: 'refresh_token', refresh_token: refreshToken }, bearer(token));
  const login = async (token: string) => (await exchange(issue(), token)).body.data as Json;

  it('should exchange a code with the app token as Bearer and wrap the answer in data', async () => {
    const response = await exchange(issue(), await appToken());
    expect(response).toEqual({
      status: 200,
      body: {
        code: 0,
        msg: 'success',
        data: {
          access_token: expect.stringMatching(/^u-/),
          refresh_token: expect.stringMatching(/^ur-/),
          token_type: 'Bearer',
          expires_in: 7199,
          refresh_expires_in: 2591999,
          scope: 'offline_access',
        },
      },
    });
    const info = await fetch(`${t.emulator.url}/open-apis/authen/v1/user_info`, {
      headers: bearer(String((response.body.data as Json).access_token)),
    });
    expect(await info.json()).toMatchObject({ code: 0, data: { open_id: t.openId } });
  });

  it('should refresh with rotation and answer 20038 on HTTP 200 for the reused refresh token', async () => {
    const token = await appToken();
    const first = await login(token);
    const second = await refresh(first.refresh_token, token);
    expect(second).toMatchObject({
      status: 200,
      body: { code: 0, msg: 'success', data: { token_type: 'Bearer', expires_in: 7199 } },
    });
    expect((second.body.data as Json).refresh_token).not.toBe(first.refresh_token);
    expect(await refresh(first.refresh_token, token)).toMatchObject({
      status: 200,
      body: { code: 20038 },
    });
    expect(t.emulator.stats()).toEqual({
      'app_access_token.internal': 1,
      'oidc.access_token': 1,
      'oidc.refresh_access_token': 2,
    });
  });

  it('should answer 20026 on HTTP 200 for an unknown or a v2-issued refresh token', async () => {
    const token = await appToken();
    expect(await refresh('ur-garbage', token)).toMatchObject({
      status: 200,
      body: { code: 20026 },
    });
    const v2 = await post('/open-apis/authen/v2/oauth/token', {
      grant_type: 'authorization_code',
      client_id: APP,
      client_secret: SECRET,
      code: issue(),
    });
    expect(await refresh(v2.body.refresh_token, token)).toMatchObject({
      status: 200,
      body: { code: 20026 },
    });
  });

  it('should answer 20037 on HTTP 200 once the 30-day refresh token has expired', async () => {
    const first = await login(await appToken());
    t.now += 30 * 86_400_000;
    expect(await refresh(first.refresh_token, await appToken())).toMatchObject({
      status: 200,
      body: { code: 20037 },
    });
  });

  it('should answer 20026 when a v1 refresh token is sent to the v2 endpoint', async () => {
    const first = await login(await appToken());
    expect(
      await post('/open-apis/authen/v2/oauth/token', {
        grant_type: 'refresh_token',
        client_id: APP,
        client_secret: SECRET,
        refresh_token: first.refresh_token,
      }),
    ).toMatchObject({ status: 400, body: { code: 20026, error: 'invalid_grant' } });
  });

  it('should answer 20046 on HTTP 200 for an app of the other brand', async () => {
    t.emulator.addApp({ appId: 'cli_lark', appSecret: 'lark-secret', brand: 'lark' });
    const token = await appToken('cli_lark', 'lark-secret');
    expect(await exchange(issue('cli_lark'), token)).toMatchObject({
      status: 200,
      body: { code: 20046, msg: expect.stringContaining('Brand inconsistency') },
    });
  });

  it('should answer 20014 on HTTP 200 for an unknown or expired app token', async () => {
    expect(await exchange(issue(), 'a-garbage')).toMatchObject({
      status: 200,
      body: { code: 20014 },
    });
    const token = await appToken();
    t.now += 7200_000;
    expect(await exchange(issue(), token)).toMatchObject({ status: 200, body: { code: 20014 } });
  });

  it('should answer 20003 for a used code and 20024 for a code of another app, on HTTP 200', async () => {
    const token = await appToken();
    const code = issue();
    expect((await exchange(code, token)).body.code).toBe(0);
    expect(await exchange(code, token)).toMatchObject({ status: 200, body: { code: 20003 } });
    expect(await exchange(issue('cli_emulator_other'), token)).toMatchObject({
      status: 200,
      body: { code: 20024 },
    });
  });

  it('should answer 20036 for the wrong grant_type and 20001 for a missing one', async () => {
    const token = await appToken();
    expect(
      await post(ACCESS_PATH, { grant_type: 'refresh_token', code: issue() }, bearer(token)),
    ).toMatchObject({ status: 200, body: { code: 20036 } });
    expect(await post(ACCESS_PATH, { code: issue() }, bearer(token))).toMatchObject({
      status: 200,
      body: { code: 20001 },
    });
  });

  it('should refuse a missing Bearer token (99991661) and a user token (99991668) at the gateway', async () => {
    expect(
      await post(ACCESS_PATH, { grant_type: 'authorization_code', code: issue() }),
    ).toMatchObject({ status: 400, body: { code: 99991661 } });
    const user = await login(await appToken());
    expect(await exchange(issue(), String(user.access_token))).toMatchObject({
      status: 400,
      body: { code: 99991668 },
    });
  });
});
