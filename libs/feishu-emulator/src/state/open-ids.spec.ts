import { FeishuEmulator } from '../emulator.js';
import {
  authorize as authorizeAt,
  type ClientApp,
  exchangeCode,
  type Json,
  OTHER,
  postJson,
  refreshGrant,
  SELF_BUILT,
  tenantToken as tenantTokenOf,
  TOKEN_V2_PATH,
} from '../emulator.spec-harness.js';
import { DEFAULT_APP_ID, openIdInApp } from './open-ids.js';

const codeOf = (location: string | null) => new URL(String(location)).searchParams.get('code');

describe('openIdInApp', () => {
  const key = 'ou_78aeb5207746c1ae408063a8c9741149';

  it('should keep the user key as the open_id in the default app', () => {
    expect(openIdInApp(DEFAULT_APP_ID, key)).toBe(key);
  });

  it('should derive another ou_ id for every other app, the same on every call', () => {
    const other = openIdInApp('cli_a', key);
    expect(other).toMatch(/^ou_[0-9a-f]{32}$/);
    expect(other).not.toBe(key);
    expect(openIdInApp('cli_a', key)).toBe(other);
    expect(openIdInApp('cli_b', key)).not.toBe(other);
    expect(openIdInApp('cli_a', 'ou_fc2e140068d1d7e0d7b6441fb73142a8')).not.toBe(other);
  });
});

describe('per-app open_id in the emulator', () => {
  let emulator: FeishuEmulator;

  const post = (path: string, body: Json) => postJson(emulator.url, path, body);
  const get = async (path: string, token: string) => {
    const response = await fetch(`${emulator.url}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const exchange = async (app: ClientApp, code: string) =>
    (await exchangeCode(emulator, code, {}, app)).body;
  const userToken = async (app: ClientApp, openId: string) => {
    const code = emulator.issueAuthorizationCode({ appId: app.appId, openId });
    return String((await exchange(app, code)).access_token);
  };
  const userInfo = async (token: string) =>
    (await get('/open-apis/authen/v1/user_info', token)).body.data as Json;
  const authorize = (appId: string, params: Record<string, string>) =>
    authorizeAt(emulator, params, appId);

  beforeEach(async () => {
    emulator = await FeishuEmulator.start();
  });
  afterEach(() => emulator.close());

  it("should give each app its own open_id for a user, the default app's being users[i].openId", () => {
    const [user] = emulator.users;
    const ids = emulator.apps.map((app) => emulator.openIdFor(app.appId, user));
    expect(new Set(ids).size).toBe(emulator.apps.length);
    expect(emulator.openIdFor(DEFAULT_APP_ID, user)).toBe(user.openId);
    expect(emulator.openIdFor(OTHER.appId, user.openId)).toBe(
      openIdInApp(OTHER.appId, user.openId),
    );
  });

  it('should name the user by its open_id in any app, and refuse unknown apps and users', () => {
    const [user] = emulator.users;
    const inStore = emulator.openIdFor('cli_emulator_store', user);
    expect(emulator.openIdFor(OTHER.appId, inStore)).toBe(emulator.openIdFor(OTHER.appId, user));
    expect(emulator.openIdFor(DEFAULT_APP_ID, inStore)).toBe(user.openId);
    expect(() => emulator.openIdFor('cli_nobody', user)).toThrow('unknown app: cli_nobody');
    expect(() => emulator.openIdFor(OTHER.appId, 'ou_nobody')).toThrow('unknown user: ou_nobody');
  });

  it("should answer user_info with the token's app open_id and the same union_id in every app", async () => {
    const [user] = emulator.users;
    const inOther = await userInfo(await userToken(OTHER, emulator.openIdFor(OTHER.appId, user)));
    const inDefault = await userInfo(await userToken(SELF_BUILT, user.openId));
    expect(inOther).toMatchObject({
      open_id: emulator.openIdFor(OTHER.appId, user),
      union_id: user.unionId,
      user_id: user.userId,
    });
    expect(inDefault).toMatchObject({ open_id: user.openId, union_id: user.unionId });
    expect(inOther.open_id).not.toBe(inDefault.open_id);
  });

  it("should approve a login_hint given as the app's own open_id or the default app's, nothing else", async () => {
    const [user] = emulator.users;
    const own = await authorize(OTHER.appId, { login_hint: emulator.openIdFor(OTHER.appId, user) });
    const byDefaultId = await authorize(OTHER.appId, { login_hint: user.openId });
    const byStoreId = await authorize(OTHER.appId, {
      login_hint: emulator.openIdFor('cli_emulator_store', user),
    });
    for (const approved of [own, byDefaultId]) {
      expect(approved.status).toBe(302);
      const tokens = await exchange(OTHER, String(codeOf(approved.location)));
      expect((await userInfo(String(tokens.access_token))).open_id).toBe(
        emulator.openIdFor(OTHER.appId, user),
      );
    }
    expect(byStoreId.status).toBe(400);
    expect(byStoreId.html).toContain('data-error-code="20008"');
  });

  it('should offer each user on the consent page by its open_id in the app being authorized', async () => {
    const page = await authorize(OTHER.appId, {});
    const offered = [...page.html.matchAll(/data-testid="user-(ou_[0-9a-f]+)"/g)].map((m) => m[1]);
    const expected = emulator.users
      .filter((user) => user.tenantKey === 'tenant_emulator_1')
      .map((user) => emulator.openIdFor(OTHER.appId, user));
    expect(offered).toEqual(expected);
    expect(offered).not.toContain(emulator.users[0].openId);
  });

  it("should issue a code for the app's own open_id and bind it to that user", async () => {
    const [, second] = emulator.users;
    const token = await userToken(OTHER, emulator.openIdFor(OTHER.appId, second));
    expect((await userInfo(token)).union_id).toBe(second.unionId);
    expect(() =>
      emulator.issueAuthorizationCode({
        appId: OTHER.appId,
        openId: emulator.openIdFor('cli_emulator_store', second),
      }),
    ).toThrow(/^unknown user/);
  });

  it("should find a contact by the tenant token's app open_id only", async () => {
    const [user] = emulator.users;
    const tenantToken = await tenantTokenOf(emulator, OTHER);
    const own = emulator.openIdFor(OTHER.appId, user);
    expect(await get(`/open-apis/contact/v3/users/${own}`, tenantToken)).toMatchObject({
      status: 200,
      body: { code: 0, data: { user: { open_id: own, union_id: user.unionId } } },
    });
    expect(await get(`/open-apis/contact/v3/users/${user.openId}`, tenantToken)).toMatchObject({
      status: 400,
      body: { code: 41050 },
    });
  });

  it("should answer the sample routes with the token's app open_id", async () => {
    const [user] = emulator.users;
    const own = emulator.openIdFor(OTHER.appId, user);
    const token = await userToken(OTHER, own);
    expect((await get('/open-apis/authen/v1/sample/me', token)).body).toMatchObject({
      data: { open_id: own, app_id: OTHER.appId },
    });
    expect((await get('/open-apis/calendar/v4/calendars/primary', token)).body).toMatchObject({
      data: { calendars: [{ user_id: own }] },
    });
  });

  it('should translate ids through POST /__emulator/open-id and refuse bad input with 400', async () => {
    const [user] = emulator.users;
    expect(await post('/__emulator/open-id', { appId: OTHER.appId, user: user.openId })).toEqual({
      status: 200,
      body: { openId: emulator.openIdFor(OTHER.appId, user) },
    });
    expect(await post('/__emulator/open-id', { appId: OTHER.appId })).toEqual({
      status: 400,
      body: { code: 400, msg: 'user must be a non-empty string' },
    });
    expect(await post('/__emulator/open-id', { appId: 'cli_nobody', user: user.openId })).toEqual({
      status: 400,
      body: { code: 400, msg: 'unknown app: cli_nobody' },
    });
  });

  it("should revoke the user's refresh tokens when named by another app's open_id", async () => {
    const [user] = emulator.users;
    const code = emulator.issueAuthorizationCode({
      appId: OTHER.appId,
      openId: user.openId,
      scopes: ['offline_access'],
    });
    const tokens = await exchange(OTHER, code);
    emulator.revokeRefreshTokens(emulator.openIdFor('cli_emulator_store', user));
    const { body } = await post(TOKEN_V2_PATH, refreshGrant(tokens.refresh_token, {}, OTHER));
    expect(body.code).toBe(20064);
  });
});
