import { FeishuEmulator } from '../emulator.js';

type Json = Record<string, unknown>;

describe('user_info, sample OpenAPI routes and auth/v3', () => {
  let emulator: FeishuEmulator;
  let now: number;

  const get = async (path: string, token?: string) => {
    const response = await fetch(`${emulator.url}${path}`, {
      headers:
        token === undefined
          ? {}
          : { Authorization: token.includes(' ') ? token : `Bearer ${token}` },
    });
    return {
      status: response.status,
      logId: response.headers.get('x-tt-logid'),
      body: (await response.json()) as Json,
    };
  };
  const post = async (path: string, body: Json | string) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
  const userToken = async (
    openId: string,
    appId = 'cli_emulator_selfbuilt',
    secret = 'emulator-self-built-secret',
  ) => {
    const code = emulator.issueAuthorizationCode({ appId, openId, scopes: ['offline_access'] });
    const { body } = await post('/open-apis/authen/v2/oauth/token', {
      grant_type: 'authorization_code',
      client_id: appId,
      client_secret: secret,
      code,
    });
    return String(body.access_token);
  };
  const tenantToken = async () =>
    String(
      (
        await post('/open-apis/auth/v3/tenant_access_token/internal', {
          app_id: 'cli_emulator_selfbuilt',
          app_secret: 'emulator-self-built-secret',
        })
      ).body.tenant_access_token,
    );

  beforeEach(async () => {
    now = Date.UTC(2026, 0, 1);
    emulator = await FeishuEmulator.start({ clock: () => now });
  });
  afterEach(() => emulator.close());

  it('should return the gated profile fields for a user token', async () => {
    const user = emulator.users[0];
    const { body } = await get('/open-apis/authen/v1/user_info', await userToken(user.openId));
    expect(body).toEqual({
      code: 0,
      msg: 'success',
      data: expect.objectContaining({
        open_id: user.openId,
        union_id: user.unionId,
        tenant_key: 'tenant_emulator_1',
        email: user.email,
        user_id: user.userId,
        mobile: user.mobile,
        employee_no: user.employeeNo,
      }),
    });
  });

  it('should leave out fields whose scopes the app lacks', async () => {
    emulator.addApp({ appId: 'cli_plain', appSecret: 's', scopes: ['offline_access'] });
    const { body } = await get(
      '/open-apis/authen/v1/user_info',
      await userToken(emulator.users[0].openId, 'cli_plain', 's'),
    );
    expect(Object.keys(body.data as Json).sort()).toEqual([
      'avatar_big',
      'avatar_middle',
      'avatar_thumb',
      'avatar_url',
      'en_name',
      'name',
      'open_id',
      'tenant_key',
      'union_id',
    ]);
  });

  it('should answer 20021 for a resigned and 20022 for a frozen user on HTTP 200', async () => {
    const resigned = emulator.users.find((user) => user.status === 'resigned')!;
    const frozen = emulator.users.find((user) => user.status === 'frozen')!;
    expect(
      await get('/open-apis/authen/v1/user_info', await userToken(resigned.openId)),
    ).toMatchObject({ status: 200, body: { code: 20021 } });
    expect(
      await get('/open-apis/authen/v1/user_info', await userToken(frozen.openId)),
    ).toMatchObject({ status: 200, body: { code: 20022 } });
  });

  it.each([
    ['no header', undefined, 99991661],
    ['no Bearer prefix', 'Token abc', 99991661],
    ['an unknown token', 'garbage', 99991668],
  ])('should answer HTTP 400 on user_info for %s', async (_name, token, code) => {
    const response = await get('/open-apis/authen/v1/user_info', token);
    expect(response).toMatchObject({ status: 400, body: { code } });
    expect(response.logId).toBeTruthy();
  });

  it('should answer 99991677 for an expired user token and 99991663 for a tenant token on a user route', async () => {
    const token = await userToken(emulator.users[0].openId);
    expect(
      (await get('/open-apis/calendar/v4/calendars/primary', await tenantToken())).body.code,
    ).toBe(99991663);
    now += 7200_000;
    expect(await get('/open-apis/authen/v1/user_info', token)).toMatchObject({
      status: 400,
      body: { code: 99991677, msg: 'token expire' },
    });
  });

  it('should answer 99991668 for a user token on a tenant route and 99991663 for a dead tenant token', async () => {
    const user = emulator.users[0];
    const path = `/open-apis/contact/v3/users/${user.openId}`;
    expect(
      (await get('/open-apis/tenant/v2/tenant/query', await userToken(user.openId))).body,
    ).toMatchObject({ code: 99991668, msg: 'user access token not support' });
    const tat = await tenantToken();
    expect((await get(path, tat)).body.code).toBe(0);
    emulator.invalidateTenantTokens('cli_emulator_selfbuilt');
    expect(await get(path, tat)).toMatchObject({ status: 400, body: { code: 99991663 } });
  });

  it('should return the same tenant token while 30 minutes remain, then a new one, the old still valid', async () => {
    const first = await post('/open-apis/auth/v3/tenant_access_token/internal', {
      app_id: 'cli_emulator_selfbuilt',
      app_secret: 'emulator-self-built-secret',
    });
    expect(first.body).toMatchObject({ code: 0, msg: 'ok', expire: 7200 });
    now += 5400_000;
    const same = await post('/open-apis/auth/v3/app_access_token/internal', {
      app_id: 'cli_emulator_selfbuilt',
      app_secret: 'emulator-self-built-secret',
    });
    expect(same.body).toMatchObject({
      app_access_token: first.body.tenant_access_token,
      tenant_access_token: first.body.tenant_access_token,
      expire: 1800,
    });
    now += 1000;
    const fresh = await post('/open-apis/auth/v3/tenant_access_token/internal', {
      app_id: 'cli_emulator_selfbuilt',
      app_secret: 'emulator-self-built-secret',
    });
    expect(fresh.body.tenant_access_token).not.toBe(first.body.tenant_access_token);
    expect(
      (
        await get(
          `/open-apis/contact/v3/users/${emulator.users[0].openId}`,
          String(first.body.tenant_access_token),
        )
      ).body.code,
    ).toBe(0);
  });

  it.each([
    ['a missing app_id', { app_secret: 'x' }, 10003],
    ['an unknown app_id', { app_id: 'cli_nope', app_secret: 'x' }, 10003],
    ['a wrong secret', { app_id: 'cli_emulator_selfbuilt', app_secret: 'x' }, 10014],
    ['a number app_id', { app_id: 1, app_secret: 'x' }, 10003],
  ])('should answer auth/v3 %s on HTTP 200', async (_name, body, code) => {
    expect(await post('/open-apis/auth/v3/tenant_access_token/internal', body)).toMatchObject({
      status: 200,
      body: { code },
    });
  });

  it('should answer bad JSON on auth/v3 with HTTP 400 and keep serving', async () => {
    expect((await post('/open-apis/auth/v3/tenant_access_token/internal', '{oops')).status).toBe(
      400,
    );
    expect((await tenantToken()).startsWith('t-')).toBe(true);
  });

  it('should run the store flow: resend 10016 for self-built, stale ticket 10012, per-tenant tokens', async () => {
    expect(
      (
        await post('/open-apis/auth/v3/app_ticket/resend', {
          app_id: 'cli_emulator_selfbuilt',
          app_secret: 'emulator-self-built-secret',
        })
      ).body.code,
    ).toBe(10016);
    await emulator.pushAppTicket('cli_emulator_store');
    const stale = await post('/open-apis/auth/v3/app_access_token', {
      app_id: 'cli_emulator_store',
      app_secret: 'emulator-store-secret',
      app_ticket: 'old',
    });
    expect(stale.body.code).toBe(10012);
  });
});
