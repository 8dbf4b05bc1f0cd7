import { FeishuEmulator } from '../emulator.js';
import {
  APP,
  basic,
  emulatorPerTest,
  exchangeCode,
  type Json,
  postJson,
  refreshGrant,
  RFC_CHALLENGE,
  RFC_VERIFIER,
  REDIRECT,
  SECRET,
  TOKEN_V2_PATH,
} from '../emulator.spec-harness.js';
import { s256Challenge } from '../oauth/pkce.js';

describe('POST /open-apis/authen/v2/oauth/token', () => {
  const t = emulatorPerTest();

  const token = (body: Json | string, headers: Record<string, string> = {}) =>
    postJson(t.emulator.url, TOKEN_V2_PATH, body, headers);
  const exchange = (code: string, extra: Json = {}) => exchangeCode(t.emulator, code, extra);
  const refresh = (refreshToken: unknown, extra: Json = {}) =>
    token(refreshGrant(refreshToken, extra));
  const issue = (extra: Partial<Parameters<FeishuEmulator['issueAuthorizationCode']>[0]> = {}) =>
    t.emulator.issueAuthorizationCode({
      appId: APP,
      openId: t.openId,
      scopes: ['offline_access'],
      redirectUri: REDIRECT,
      ...extra,
    });
  const login = async () => (await exchange(issue())).body;

  it('should issue JWT-like tokens with top-level fields for a valid code', async () => {
    const { status, body } = await exchange(issue(), { redirect_uri: REDIRECT });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      code: 0,
      expires_in: 7200,
      token_type: 'Bearer',
      scope: 'offline_access',
      refresh_token_expires_in: 604800,
    });
    expect(String(body.access_token)).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(String(body.access_token).length).toBeGreaterThan(1000);
    expect(String(body.access_token).length).toBeLessThan(2048);
  });

  it('should accept a form-encoded body', async () => {
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: APP,
      client_secret: SECRET,
      code: issue(),
    });
    const response = await fetch(`${t.emulator.url}/open-apis/authen/v2/oauth/token`, {
      method: 'POST',
      body: form,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ code: 0 });
  });

  it('should leave out the refresh token without offline_access', async () => {
    const { body } = await exchange(issue({ scopes: ['contact:user.email:readonly'] }));
    expect(body.refresh_token).toBeUndefined();
    expect(body.refresh_token_expires_in).toBeUndefined();
  });

  it.each([
    [
      'missing grant_type',
      { client_id: APP, client_secret: SECRET, code: 'x' },
      400,
      20001,
      'invalid_request',
    ],
    [
      'unknown grant_type',
      { grant_type: 'password', client_id: APP, client_secret: SECRET },
      400,
      20036,
      'unsupported_grant_type',
    ],
    [
      'missing code',
      { grant_type: 'authorization_code', client_id: APP, client_secret: SECRET },
      400,
      20001,
      'invalid_request',
    ],
    [
      'unknown app',
      { grant_type: 'authorization_code', client_id: 'cli_nope', client_secret: SECRET, code: 'x' },
      400,
      20048,
      'invalid_client',
    ],
    [
      'wrong secret',
      { grant_type: 'authorization_code', client_id: APP, client_secret: 'bad', code: 'x' },
      400,
      20002,
      'invalid_client',
    ],
    [
      'unknown code',
      { grant_type: 'authorization_code', client_id: APP, client_secret: SECRET, code: 'x' },
      400,
      20003,
      'invalid_grant',
    ],
    [
      'a number where a string belongs',
      { grant_type: 'authorization_code', client_id: APP, client_secret: SECRET, code: 42 },
      400,
      20063,
      'invalid_request',
    ],
  ])('should answer %s with the documented code', async (_name, body, status, code, error) => {
    const response = await token(body);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ code, error });
    expect(typeof response.body.error_description).toBe('string');
  });

  it('should answer 20003 with the documented description', async () => {
    expect((await exchange('nope')).body.error_description).toBe(
      'The authorization code is not found. Please note that an authorization code can only be used once.',
    );
  });

  it('should check the secret before the code (20002 before 20003)', async () => {
    expect(
      (
        await token({
          grant_type: 'authorization_code',
          client_id: APP,
          client_secret: 'bad',
          code: 'nope',
        })
      ).body.code,
    ).toBe(20002);
  });

  it('should answer 20069 for a disabled app before looking at the code', async () => {
    t.emulator.addApp({ appId: 'cli_disabled', appSecret: 's', enabled: false });
    const { body } = await token({
      grant_type: 'authorization_code',
      client_id: 'cli_disabled',
      client_secret: 's',
      code: 'nope',
    });
    expect(body.code).toBe(20069);
  });

  it('should answer 20065 for a code used twice', async () => {
    const code = issue();
    expect((await exchange(code)).status).toBe(200);
    expect((await exchange(code)).body).toMatchObject({ code: 20065, error: 'invalid_grant' });
  });

  it('should answer 20004 after the 5-minute code lifetime', async () => {
    const code = issue();
    t.now += 300_000;
    expect((await exchange(code)).body.code).toBe(20004);
  });

  it('should answer 20024 for a code of another app', async () => {
    const code = issue({ appId: 'cli_emulator_other' });
    expect((await exchange(code)).body.code).toBe(20024);
  });

  it('should answer 20071 for a different redirect_uri and accept none', async () => {
    expect((await exchange(issue(), { redirect_uri: 'http://localhost/callback' })).body.code).toBe(
      20071,
    );
    expect((await exchange(issue())).body.code).toBe(0);
  });

  it('should verify S256 PKCE with the RFC 7636 appendix B vector', async () => {
    expect(s256Challenge(RFC_VERIFIER)).toBe(RFC_CHALLENGE);
    const code = issue({ codeChallenge: RFC_CHALLENGE, codeChallengeMethod: 'S256' });
    expect(
      (await exchange(code, { code_verifier: `${RFC_VERIFIER.slice(0, -1)}A` })).body.code,
    ).toBe(20049);
    expect((await exchange(code, { code_verifier: RFC_VERIFIER })).body.code).toBe(0);
  });

  it('should require the verifier when a challenge was bound and default the method to plain', async () => {
    const verifier = 'a'.repeat(43);
    const code = issue({ codeChallenge: verifier });
    expect((await exchange(code)).body.code).toBe(20049);
    expect((await exchange(code, { code_verifier: verifier })).body.code).toBe(0);
  });

  it('should accept a verifier when no challenge was bound (v2 only)', async () => {
    expect((await exchange(issue(), { code_verifier: RFC_VERIFIER })).body.code).toBe(0);
  });

  it('should answer 20010 for a user outside the app tenants and 20066 for a deactivated user', async () => {
    const outsider = t.emulator.users.find((user) => user.tenantKey === 'tenant_emulator_2')!;
    expect((await exchange(issue({ openId: outsider.openId }))).body.code).toBe(20010);
    const code = issue();
    t.emulator.updateUser(t.openId, { status: 'deactivated' });
    expect((await exchange(code)).body.code).toBe(20066);
  });

  it('should narrow scopes and answer 20067 for duplicates and 20068 for ungranted scopes', async () => {
    const scopes = ['offline_access', 'contact:user.email:readonly'];
    expect(
      (await exchange(issue({ scopes }), { scope: 'offline_access offline_access' })).body.code,
    ).toBe(20067);
    expect(
      (await exchange(issue({ scopes }), { scope: 'contact:user.phone:readonly' })).body.code,
    ).toBe(20068);
    const narrowed = await exchange(issue({ scopes }), { scope: 'contact:user.email:readonly' });
    expect(narrowed.body).toMatchObject({ code: 0, scope: 'contact:user.email:readonly' });
    expect(narrowed.body.refresh_token).toBeUndefined();
  });

  it('should rotate the refresh token and refuse the old one with 20064', async () => {
    const first = await login();
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(await refresh(first.refresh_token)).toEqual({
      status: 400,
      body: {
        code: 20064,
        error: 'invalid_grant',
        error_description:
          'The refresh token has been revoked. Please note that a refresh token can only be used once.',
      },
    });
    expect((await refresh(second.body.refresh_token)).status).toBe(200);
  });

  it('should let exactly one of two concurrent refreshes win', async () => {
    const first = await login();
    const results = await Promise.all([refresh(first.refresh_token), refresh(first.refresh_token)]);
    expect(results.map((result) => result.body.code).sort()).toEqual([0, 20064]);
  });

  it('should answer 20073 for reuse when configured', async () => {
    await t.emulator.close();
    t.emulator = await FeishuEmulator.start({ reusedRefreshTokenCode: 20073 });
    const first = await login();
    await refresh(first.refresh_token);
    expect((await refresh(first.refresh_token)).body.code).toBe(20073);
  });

  it('should answer 20026 for garbage, 20024 for another app and 20037 past expiry', async () => {
    expect((await refresh('garbage')).body.code).toBe(20026);
    const first = await login();
    const other = await token({
      grant_type: 'refresh_token',
      client_id: 'cli_emulator_other',
      client_secret: 'emulator-other-secret',
      refresh_token: first.refresh_token,
    });
    expect(other.body.code).toBe(20024);
    t.now += 604_800_000;
    expect((await refresh(first.refresh_token)).body.code).toBe(20037);
  });

  it('should answer 20064 after revokeRefreshTokens and 20026 after invalidateToken', async () => {
    const a = await login();
    const b = await login();
    t.emulator.revokeRefreshTokens(t.openId);
    expect((await refresh(a.refresh_token)).body.code).toBe(20064);
    t.emulator.invalidateToken(String(b.refresh_token));
    expect((await refresh(b.refresh_token)).body.code).toBe(20026);
  });

  it('should cap refreshing at 365 days from the authorization (20037)', async () => {
    const authorizedAt = t.now;
    let current = await login();
    for (let step = 1; step <= 60; step++) {
      t.now = authorizedAt + step * 6 * 86_400_000;
      const next = await refresh(current.refresh_token);
      expect(next.status).toBe(200);
      current = next.body;
    }
    // Day 360: the new refresh token lives 5 days, not 7, because of the 365-day cap.
    expect(current.refresh_token_expires_in).toBe(5 * 86_400);
    t.now = authorizedAt + 365 * 86_400_000;
    expect((await refresh(current.refresh_token)).body.code).toBe(20037);
  });

  it('should answer 20074 when the app may not refresh', async () => {
    const first = await login();
    t.emulator.apps[0].refreshEnabled = false;
    expect((await refresh(first.refresh_token)).body).toMatchObject({
      code: 20074,
      error: 'unauthorized_client',
    });
  });

  it.each([
    ['valid-until-expiry', 200],
    ['revoke', 400],
  ] as const)(
    'should treat the old access token per oldAccessTokenAfterRefresh=%s',
    async (mode, status) => {
      await t.emulator.close();
      t.emulator = await FeishuEmulator.start({ oldAccessTokenAfterRefresh: mode });
      const first = await login();
      await refresh(first.refresh_token);
      const info = await fetch(`${t.emulator.url}/open-apis/authen/v1/user_info`, {
        headers: { Authorization: `Bearer ${String(first.access_token)}` },
      });
      expect(info.status).toBe(status);
    },
  );

  it('should answer 20070 for Basic plus body client_secret', async () => {
    const response = await token(
      { grant_type: 'authorization_code', client_secret: SECRET, code: issue() },
      { Authorization: basic(APP, SECRET) },
    );
    expect(response.body.code).toBe(20070);
  });

  it('should answer 20063 for bad JSON and 413 for a huge body, and keep serving', async () => {
    expect(await token('{"grant_type":')).toMatchObject({
      status: 400,
      body: { code: 20063, error: 'invalid_request' },
    });
    expect(await token('[1,2]')).toMatchObject({ status: 400, body: { code: 20063 } });
    const huge = await token({ grant_type: 'authorization_code', padding: 'x'.repeat(70_000) });
    expect(huge).toMatchObject({ status: 413, body: { code: 20063 } });
    expect((await exchange(issue())).status).toBe(200);
  });

  it('should serve a fault in the OAuth shape and count it', async () => {
    t.emulator.failNext({ endpoint: 'token.v2', status: 503, code: 20072 });
    const faulted = await exchange(issue());
    expect(faulted).toMatchObject({
      status: 503,
      body: { code: 20072, error: 'temporarily_unavailable' },
    });
    expect((await exchange(issue())).status).toBe(200);
    expect(t.emulator.stats()).toEqual({ 'token.v2.authorization_code': 2 });
  });
});
