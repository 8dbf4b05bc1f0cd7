import { connect } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { FeishuEmulator } from '@feishu-auth/emulator';
import type { FeishuAuthModuleOptions } from '@feishu-auth/nestjs';
import { REDIRECT_URI, SELF_BUILT } from '../support/core-app.js';
import { approveAtEmulator, callback, login, startLogin } from '../support/login-app.js';
import { calls } from '../support/emulator-calls.js';
import {
  LOGIN_URL,
  browserGet,
  expectJsonError,
  startReliabilityApp,
  watchedSuite,
  withoutControlCharacters,
} from '../support/reliability-app.js';
import { HTTP_PLATFORMS } from '../support/http-platform.js';
import { WatchedTokenStore } from '../support/secret-watch.js';

const CODE_GRANT = 'token.v2.authorization_code';

/** Inputs an attacker may put anywhere: markup, SQL, paths, CRLF, NUL, bidi overrides, CJK, emoji. */
const HOSTILE_VALUES: [string, string][] = [
  ['markup', '<script>alert(1)</script>'],
  ['SQL', "' OR '1'='1"],
  ['a path', '../../etc/passwd'],
  ['CRLF and a header', 'x\r\nSet-Cookie: feishu_session=planted'],
  ['NUL and control characters', 'a\u0000b\u0007c\u001b'],
  ['a right-to-left override', 'abc\u202edef'],
  ['CJK and emoji', '授权码🙂'],
  ['lone surrogate halves, percent-encoded', '%ED%A0%80'],
];

/** The hostile values no token alphabet contains (a path is base64url-ish: Feishu judges it). */
const NON_TOKEN_VALUES = HOSTILE_VALUES.filter(([label]) => label !== 'a path');

/** Browsers read these as another site; none may become the redirect after login. */
const OPEN_REDIRECTS = [
  '//evil.example/path',
  '/.//evil.example',
  '/a/..//evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  'https://evil.example',
  'javascript:alert(1)',
  '/\t/evil.example',
  '/\r\nLocation: https://evil.example',
  ' //evil.example',
  'evil.example',
];

describe.each(HTTP_PLATFORMS)('Attacks and bad input on %s (reliability e2e)', (platform) => {
  const { watch, unhandled } = watchedSuite();
  let emulator: FeishuEmulator;
  let now: number;
  let store: WatchedTokenStore;
  let app: INestApplication;
  let openId: string;
  const extraApps: INestApplication[] = [];

  beforeEach(async () => {
    now = Date.now();
    emulator = await FeishuEmulator.start({ port: 0, clock: () => now });
    store = new WatchedTokenStore(watch, () => now);
    app = await startReliabilityApp(emulator, watch, { store, clock: () => now }, platform);
    openId = emulator.users[0].openId;
  });

  afterEach(async () => {
    await unhandled.assertNone();
    await Promise.all([app, ...extraApps.splice(0)].map((each) => each.close()));
    await emulator.close();
  });

  async function otherApp(overrides: Partial<FeishuAuthModuleOptions>): Promise<INestApplication> {
    const created = await startReliabilityApp(
      emulator,
      watch,
      {
        store: new WatchedTokenStore(watch, () => now),
        clock: () => now,
        ...overrides,
      },
      platform,
    );
    extraApps.push(created);
    return created;
  }

  /** A refused login: 4xx JSON with the stable reason, no session, no stored tokens. */
  async function expectLoginRefused(
    response: request.Response,
    status: number,
    reason: string,
  ): Promise<void> {
    expectJsonError(response, status);
    expect(response.body).toMatchObject({ reason, message: expect.any(String) });
    expect(String(response.headers['set-cookie'] ?? '')).not.toMatch(/feishu_session=[^;]/);
    await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toBeUndefined();
  }

  describe('login CSRF and code injection', () => {
    it('should refuse a state reused after its login completed, before exchanging the new code', async () => {
      const started = await startLogin(app);
      const first = await approveAtEmulator(started.authorizeUrl, openId);
      expect(
        (await callback(app, { code: first.code, state: first.state }, started.jar)).status,
      ).toBe(302);
      await store.deleteUserToken(SELF_BUILT.appId, openId);
      const fresh = emulator.issueAuthorizationCode({
        appId: SELF_BUILT.appId,
        openId,
        scopes: ['offline_access'],
        redirectUri: REDIRECT_URI,
      });
      const exchanges = calls(emulator, CODE_GRANT);

      const response = await callback(app, { code: fresh, state: first.state }, started.jar);

      await expectLoginRefused(response, 403, 'invalid_state');
      expect(calls(emulator, CODE_GRANT)).toBe(exchanges);
    });

    it.each(HOSTILE_VALUES)(
      'should refuse an injected code made of %s with 400 code_invalid after one exchange',
      async (_label, code) => {
        const started = await startLogin(app);
        const state = started.authorizeUrl.searchParams.get('state')!;

        const response = await callback(app, { code, state }, started.jar);

        await expectLoginRefused(response, 400, 'code_invalid');
        expect(calls(emulator, CODE_GRANT)).toBe(1);
      },
    );

    it.each(HOSTILE_VALUES)(
      'should refuse a state made of %s with 403 before exchanging the code',
      async (_label, state) => {
        const started = await startLogin(app);
        const { code } = await approveAtEmulator(started.authorizeUrl, openId);

        const response = await callback(app, { code, state }, started.jar);

        await expectLoginRefused(response, 403, 'invalid_state');
        expect(calls(emulator, CODE_GRANT)).toBe(0);
      },
    );

    it.each(HOSTILE_VALUES)(
      'should refuse a Feishu error made of %s with 400 authorization_error',
      async (_label, error) => {
        const started = await startLogin(app);
        const response = await callback(app, { error, state: 'x' }, started.jar);
        await expectLoginRefused(response, 400, 'authorization_error');
      },
    );
  });

  describe('PKCE downgrade', () => {
    it('should refuse a code whose authorize request was downgraded to the plain method', async () => {
      const started = await startLogin(app);
      const downgraded = new URL(started.authorizeUrl);
      expect(downgraded.searchParams.get('code_challenge_method')).toBe('S256');
      downgraded.searchParams.set('code_challenge_method', 'plain');
      const { code, state } = await approveAtEmulator(downgraded, openId);

      const response = await callback(app, { code, state }, started.jar);

      await expectLoginRefused(response, 400, 'pkce_mismatch');
    });

    it('should refuse on the v3 token endpoint a code whose PKCE challenge was stripped', async () => {
      const v3 = await otherApp({ tokenEndpoint: 'v3', store });
      const started = await startLogin(v3);
      const stripped = new URL(started.authorizeUrl);
      stripped.searchParams.delete('code_challenge');
      stripped.searchParams.delete('code_challenge_method');
      const { code, state } = await approveAtEmulator(stripped, openId);

      const response = await callback(v3, { code, state }, started.jar);

      await expectLoginRefused(response, 400, 'pkce_mismatch');
    });

    it('should accept on the v2 token endpoint a code whose PKCE challenge was stripped, as Feishu v2 does', async () => {
      const started = await startLogin(app);
      const stripped = new URL(started.authorizeUrl);
      stripped.searchParams.delete('code_challenge');
      stripped.searchParams.delete('code_challenge_method');
      const { code, state } = await approveAtEmulator(stripped, openId);

      const response = await callback(app, { code, state }, started.jar);

      // Feishu v2 ignores a verifier when no challenge was bound (feishu-api.md §12.8): only the
      // browser binding protects this login. tokenEndpoint 'v3' closes it (previous test).
      expect(response.status).toBe(302);
    });
  });

  describe('open redirect through returnTo', () => {
    it.each(OPEN_REDIRECTS)(
      'should refuse returnTo %j with 400 invalid_return_to and no redirect',
      async (returnTo) => {
        const response = await browserGet(
          app,
          `${LOGIN_URL}?returnTo=${encodeURIComponent(returnTo)}`,
        );
        await expectLoginRefused(response, 400, 'invalid_return_to');
        expect(response.headers.location).toBeUndefined();
        expect(calls(emulator, 'authorize')).toBe(0);
      },
    );

    it('should refuse an oversized login query with 414 before redirecting', async () => {
      const response = await browserGet(app, `${LOGIN_URL}?returnTo=/${'a'.repeat(5000)}`);
      await expectLoginRefused(response, 414, 'query_too_large');
      expect(response.headers.location).toBeUndefined();
    });
  });

  describe('Bearer tokens', () => {
    async function signedInTokens(): Promise<{ refreshToken: string; tenantToken: string }> {
      const jar = await login(app, openId);
      expect((await browserGet(app, '/me', jar)).status).toBe(200);
      const record = (await store.getUserToken(SELF_BUILT.appId, openId))!;
      const tenant = (await store.getToken(`tenant:${SELF_BUILT.appId}:internal`))!;
      return { refreshToken: record.refreshToken!, tenantToken: tenant.token };
    }

    it.each([
      ['a refresh token', 'refreshToken'],
      ['a tenant access token', 'tenantToken'],
    ] as const)('should refuse %s presented as a user token with 401', async (_label, kind) => {
      const tokens = await signedInTokens();
      const response = await browserGet(app, '/me/name').set(
        'Authorization',
        `Bearer ${tokens[kind]}`,
      );
      expectJsonError(response, 401);
      expect(response.body).toMatchObject({ loginUrl: LOGIN_URL });
      expect(JSON.stringify(response.body)).not.toContain(tokens[kind].slice(0, 24));
    });

    it.each(NON_TOKEN_VALUES)(
      'should refuse a Bearer token made of %s with 401 without asking Feishu',
      async (_label, value) => {
        // Header values travel as bytes: UTF-8 as Latin-1, what a raw client sends.
        const header = Buffer.from(`Bearer ${value}`, 'utf8').toString('latin1');
        const safeHeader = withoutControlCharacters(header, '?');
        const response = await browserGet(app, '/me/name').set('Authorization', safeHeader);
        expectJsonError(response, 401);
        expect(calls(emulator, 'user_info')).toBe(0);
      },
    );
  });

  describe('cookies and headers', () => {
    it.each(HOSTILE_VALUES)(
      'should answer a session cookie made of %s with 401 JSON',
      async (_label, value) => {
        const cookie = encodeURIComponent(value);
        const response = await browserGet(app, '/me/name').set(
          'Cookie',
          `feishu_session=${cookie}`,
        );
        expectJsonError(response, 401);
        expect(response.body).toMatchObject({ loginUrl: LOGIN_URL });
      },
    );

    it('should answer a 12 KB session cookie with 401 JSON', async () => {
      const response = await browserGet(app, '/me/name').set(
        'Cookie',
        `feishu_session=${'s'.repeat(12 * 1024)}`,
      );
      expectJsonError(response, 401);
    });

    it('should leave headers beyond 16 KB to Node, which answers 431, and keep serving', async () => {
      const response = await rawRequest(app, `Cookie: feishu_session=${'s'.repeat(20 * 1024)}`);
      expect(response).toMatch(/^HTTP\/1\.1 431 /);
      const jar = await login(app, openId);
      expect((await browserGet(app, '/me/name', jar)).status).toBe(200);
    });

    it('should leave control characters in a header to Node, which answers 400, and keep serving', async () => {
      const response = await rawRequest(app, 'Cookie: feishu_session=a\u0001b');
      expect(response).toMatch(/^HTTP\/1\.1 400 /);
      const jar = await login(app, openId);
      expect((await browserGet(app, '/me/name', jar)).status).toBe(200);
    });
  });

  it('should have written no token, refresh token, app secret or cookie value to any log in the flows above', () => {
    expect(watch.secretCount).toBeGreaterThan(10);
    expect(watch.leaks()).toEqual([]);
  });
});

/** Sends `GET /me/name` with one raw header line, bytes as given, and returns the raw answer. */
function rawRequest(app: INestApplication, headerLine: string): Promise<string> {
  const server = app.getHttpServer() as { address(): { port: number } | null; listening: boolean };
  return new Promise((resolve, reject) => {
    const listen = server.listening
      ? Promise.resolve()
      : new Promise<void>((done) =>
          (server as unknown as { listen(port: number, cb: () => void): void }).listen(0, done),
        );
    void listen.then(() => {
      const socket = connect(server.address()!.port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('end', () => resolve(answer));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
      socket.write(
        `GET /me/name HTTP/1.1\r\nHost: localhost\r\n${headerLine}\r\nConnection: close\r\n\r\n`,
        'latin1',
      );
    });
  });
}
