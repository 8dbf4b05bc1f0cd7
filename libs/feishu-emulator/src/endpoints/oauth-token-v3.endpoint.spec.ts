import { FeishuEmulator } from '../emulator.js';
import {
  APP,
  basic,
  codeGrant,
  emulatorPerTest,
  type Json,
  postForResponse,
  REDIRECT,
  refreshGrant,
  RFC_VERIFIER,
  SECRET,
  TOKEN_V2_PATH,
} from '../emulator.spec-harness.js';

describe('POST /oauth/v3/token', () => {
  const t = emulatorPerTest();

  const post = (path: string, body: Json, headers: Record<string, string> = {}) =>
    postForResponse(t.emulator.url, path, body, headers);
  const v3 = (body: Json, headers: Record<string, string> = {}) =>
    post('/oauth/v3/token', body, headers);
  const v2 = (body: Json) => post(TOKEN_V2_PATH, body);
  const issue = (extra: Partial<Parameters<FeishuEmulator['issueAuthorizationCode']>[0]> = {}) =>
    t.emulator.issueAuthorizationCode({
      appId: APP,
      openId: t.openId,
      scopes: ['offline_access', 'contact:user.email:readonly'],
      redirectUri: REDIRECT,
      ...extra,
    });

  it('should exchange a code with post client auth and answer top-level fields, uncached', async () => {
    const response = await v3(codeGrant(issue(), { redirect_uri: REDIRECT }));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toMatchObject({
      code: 0,
      expires_in: 7200,
      token_type: 'Bearer',
      scope: 'offline_access contact:user.email:readonly',
      refresh_token_expires_in: 604800,
    });
    expect(response.body.data).toBeUndefined();
    expect(String(response.body.access_token)).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(String(response.body.refresh_token)).toMatch(/^eyJ/);
    const info = await fetch(`${t.emulator.url}/open-apis/authen/v1/user_info`, {
      headers: { Authorization: `Bearer ${String(response.body.access_token)}` },
    });
    expect(await info.json()).toMatchObject({ code: 0, data: { open_id: t.openId } });
  });

  it('should rotate a v3 refresh token and refuse the old one with 20064', async () => {
    const first = (await v3(codeGrant(issue()))).body;
    const second = await v3(refreshGrant(first.refresh_token));
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ code: 0, token_type: 'Bearer', expires_in: 7200 });
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(await v3(refreshGrant(first.refresh_token))).toMatchObject({
      status: 400,
      body: { code: 20064, error: 'invalid_grant' },
    });
    expect(t.emulator.stats()).toEqual({
      'token.v3.authorization_code': 1,
      'token.v3.refresh_token': 2,
    });
  });

  it('should accept a refresh token issued by the v2 endpoint', async () => {
    const fromV2 = (await v2(codeGrant(issue()))).body;
    const refreshed = await v3(refreshGrant(fromV2.refresh_token));
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.code).toBe(0);
    expect((await v2(refreshGrant(fromV2.refresh_token))).body.code).toBe(20064);
  });

  it('should refuse a legacy v1 refresh token with 20026', async () => {
    const tenant = await post('/open-apis/auth/v3/tenant_access_token/internal', {
      app_id: APP,
      app_secret: SECRET,
    });
    const v1 = await post(
      '/open-apis/authen/v1/oidc/access_token',
      { grant_type: 'authorization_code', code: issue() },
      { Authorization: `Bearer ${String(tenant.body.tenant_access_token)}` },
    );
    const legacy = (v1.body.data as Json).refresh_token;
    expect(String(legacy)).toMatch(/^ur-/);
    expect(await v3(refreshGrant(legacy))).toMatchObject({
      status: 400,
      body: { code: 20026, error: 'invalid_grant' },
    });
  });

  it('should issue a JWT tenant token for client_credentials that works on tenant routes', async () => {
    const response = await v3({
      grant_type: 'client_credentials',
      client_id: APP,
      client_secret: SECRET,
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      code: 0,
      access_token: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 7200,
    });
    const contact = await fetch(`${t.emulator.url}/open-apis/contact/v3/users/${t.openId}`, {
      headers: { Authorization: `Bearer ${String(response.body.access_token)}` },
    });
    expect(await contact.json()).toMatchObject({ code: 0, data: { user: { open_id: t.openId } } });
    const tenant = await fetch(`${t.emulator.url}/open-apis/tenant/v2/tenant/query`, {
      headers: { Authorization: `Bearer ${String(response.body.access_token)}` },
    });
    expect(await tenant.json()).toMatchObject({
      code: 0,
      data: { tenant: { tenant_key: 'tenant_emulator_1' } },
    });
    expect(t.emulator.stats()).toEqual({
      'token.v3.client_credentials': 1,
      'openapi.contact.user': 1,
      'openapi.tenant.query': 1,
    });
  });

  it('should refuse client_credentials for a store app with 20036', async () => {
    expect(
      await v3({
        grant_type: 'client_credentials',
        client_id: 'cli_emulator_store',
        client_secret: 'emulator-store-secret',
      }),
    ).toMatchObject({ status: 400, body: { code: 20036, error: 'unsupported_grant_type' } });
  });

  it('should accept HTTP Basic client auth for every grant', async () => {
    const auth = { Authorization: basic(APP, SECRET) };
    const exchanged = await v3({ grant_type: 'authorization_code', code: issue() }, auth);
    expect(exchanged.status).toBe(200);
    const refreshed = await v3(
      { grant_type: 'refresh_token', refresh_token: exchanged.body.refresh_token },
      auth,
    );
    expect(refreshed.status).toBe(200);
    const credentials = await v3({ grant_type: 'client_credentials' }, auth);
    expect(credentials.status).toBe(200);
    expect(credentials.body.code).toBe(0);
  });

  it('should check the Basic secret (20002) and the Basic app (20048)', async () => {
    expect(
      await v3({ grant_type: 'client_credentials' }, { Authorization: basic(APP, 'wrong') }),
    ).toMatchObject({ status: 400, body: { code: 20002, error: 'invalid_client' } });
    expect(
      await v3({ grant_type: 'client_credentials' }, { Authorization: basic('cli_nope', SECRET) }),
    ).toMatchObject({ status: 400, body: { code: 20048, error: 'invalid_client' } });
  });

  it('should answer 20070 for Basic auth plus a body client_secret, even when both match', async () => {
    expect(
      await v3(
        { grant_type: 'client_credentials', client_secret: SECRET },
        { Authorization: basic(APP, SECRET) },
      ),
    ).toEqual({
      status: 400,
      headers: expect.anything(),
      body: {
        code: 20070,
        error: 'invalid_request',
        error_description:
          'Multiple authentication methods were provided. Please only use one to proceed.',
      },
    });
  });

  it('should reject a code_verifier when the authorization had no code_challenge (v2 accepts it)', async () => {
    expect(await v3(codeGrant(issue(), { code_verifier: RFC_VERIFIER }))).toMatchObject({
      status: 400,
      body: {
        code: 20049,
        error: 'invalid_grant',
        error_description: 'PKCE code challenge failed.',
      },
    });
    expect((await v2(codeGrant(issue(), { code_verifier: RFC_VERIFIER }))).body.code).toBe(0);
  });

  it('should verify a bound S256 challenge on v3', async () => {
    const code = issue({
      codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      codeChallengeMethod: 'S256',
    });
    expect((await v3(codeGrant(code))).body.code).toBe(20049);
    expect((await v3(codeGrant(code, { code_verifier: RFC_VERIFIER }))).body.code).toBe(0);
  });

  it('should keep a code refused for a stray verifier unspent', async () => {
    const code = issue();
    expect((await v3(codeGrant(code, { code_verifier: RFC_VERIFIER }))).body.code).toBe(20049);
    expect((await v3(codeGrant(code))).body.code).toBe(0);
  });

  it.each([
    ['a missing grant_type', { client_id: APP, client_secret: SECRET }, 20001, 'invalid_request'],
    [
      'an unknown grant_type',
      { grant_type: 'password', client_id: APP, client_secret: SECRET },
      20036,
      'unsupported_grant_type',
    ],
    [
      'a missing refresh_token',
      { grant_type: 'refresh_token', client_id: APP, client_secret: SECRET },
      20001,
      'invalid_request',
    ],
    [
      'a missing client_secret',
      { grant_type: 'client_credentials', client_id: APP },
      20001,
      'invalid_request',
    ],
  ])('should answer %s with HTTP 400 and the documented code', async (_name, body, code, error) => {
    expect(await v3(body)).toMatchObject({ status: 400, body: { code, error } });
  });

  it('should accept a form-encoded body', async () => {
    const response = await fetch(`${t.emulator.url}/oauth/v3/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: APP,
        client_secret: SECRET,
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ code: 0, token_type: 'Bearer' });
  });
});
