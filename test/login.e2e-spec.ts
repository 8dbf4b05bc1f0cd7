import type { INestApplication, LoggerService } from '@nestjs/common';
import request from 'supertest';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { InMemoryTokenStore } from '@feishu-auth/nestjs';
import { NO_OFFLINE, REDIRECT_URI, SELF_BUILT, SESSION_SECRET } from './support/core-app.js';
import {
  approveAtEmulator,
  callback,
  createTestApp,
  login,
  startLogin,
} from './support/login-app.js';
import { calls } from './support/emulator-calls.js';
import { CookieJar, setCookieLines } from './support/cookie-jar.js';

const LOGIN_URL = '/auth/feishu/login';
/** Under the 60 s wait floor (5 min margin): requests wait for the refresh instead of being served. */
const UNDER_WAIT_FLOOR_MS = 30_000;

/** Every line any logger of the app wrote, with its arguments stringified. */
class CapturingLogger implements LoggerService {
  readonly lines: { level: string; text: string }[] = [];
  log(...args: unknown[]) {
    this.capture('log', args);
  }
  error(...args: unknown[]) {
    this.capture('error', args);
  }
  warn(...args: unknown[]) {
    this.capture('warn', args);
  }
  debug(...args: unknown[]) {
    this.capture('debug', args);
  }
  verbose(...args: unknown[]) {
    this.capture('verbose', args);
  }
  fatal(...args: unknown[]) {
    this.capture('fatal', args);
  }
  private capture(level: string, args: unknown[]) {
    const text = args
      .map((arg) =>
        arg instanceof Error ? `${arg.name}: ${arg.message}\n${arg.stack}` : JSON.stringify(arg),
      )
      .join(' ');
    this.lines.push({ level, text });
  }
  all(): string {
    return this.lines.map((line) => line.text).join('\n');
  }
}

describe('Login with Feishu (e2e)', () => {
  let emulator: FeishuEmulator;
  let now: number;
  const apps: INestApplication[] = [];

  beforeEach(async () => {
    now = Date.now();
    emulator = await FeishuEmulator.start({ port: 0, clock: () => now });
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await emulator.close();
  });

  async function startApp(
    overrides: Parameters<typeof createTestApp>[0]['overrides'] = {},
    logger?: LoggerService,
  ) {
    const created = await createTestApp({
      emulator,
      overrides: { clock: () => now, ...overrides },
      logger,
    });
    apps.push(created);
    return created;
  }

  it('should sign in, serve the user and both tokens, and sign out to a 401 with the login URL', async () => {
    const store = new InMemoryTokenStore({ clock: () => now });
    const server = await startApp({ store });
    const user = emulator.users[0];

    const started = await startLogin(server);
    expect(started.authorizeUrl.pathname).toBe('/open-apis/authen/v1/authorize');
    expect(started.authorizeUrl.searchParams.get('client_id')).toBe(SELF_BUILT.appId);
    expect(started.authorizeUrl.searchParams.get('response_type')).toBe('code');
    expect(started.authorizeUrl.searchParams.get('scope')?.split(' ')).toContain('offline_access');
    expect(started.authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(started.authorizeUrl.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const { code, state } = await approveAtEmulator(started.authorizeUrl, user.openId);
    const done = await callback(server, { code, state }, started.jar);
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe('/');
    expect(calls(emulator, 'token.v2.authorization_code')).toBe(1);

    const record = await store.getUserToken(SELF_BUILT.appId, user.openId);
    expect(record).toBeDefined();
    const sessionLine = setCookieLines(done.headers['set-cookie']).find((c) =>
      c.startsWith('feishu_session='),
    );
    expect(sessionLine).toBeDefined();
    expect(sessionLine).toMatch(/HttpOnly/);
    expect(sessionLine).toMatch(/SameSite=Lax/);
    expect(sessionLine).toMatch(/Path=\//);
    expect(sessionLine).not.toContain(record!.accessToken);
    expect(sessionLine).not.toContain(record!.refreshToken!);
    expect(sessionLine).not.toContain(record!.accessToken.slice(0, 20));
    started.jar.store(done.headers['set-cookie']);

    const me = await request(server.getHttpServer()).get('/me').set('Cookie', started.jar.header());
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      user: expect.objectContaining({
        openId: user.openId,
        name: user.name,
        tenantKey: user.tenantKey,
      }),
      userToken: true,
      tenantToken: true,
    });

    const logout = await request(server.getHttpServer())
      .get('/auth/feishu/logout')
      .set('Cookie', started.jar.header());
    expect(logout.status).toBe(302);
    expect(setCookieLines(logout.headers['set-cookie']).join('\n')).toMatch(
      /feishu_session=;.*Max-Age=0/,
    );
    await expect(store.getUserToken(SELF_BUILT.appId, user.openId)).resolves.toBeUndefined();

    const after = await request(server.getHttpServer())
      .get('/me')
      .set('Cookie', started.jar.header());
    expect(after.status).toBe(401);
    expect(after.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      reason: expect.any(String),
      loginUrl: LOGIN_URL,
    });
  });

  it('should give each login a new session id, even when the browser brings one', async () => {
    const server = await startApp();
    const first = await login(server, emulator.users[0].openId);
    const firstSession = first.get('feishu_session');
    const started = await startLogin(server, first.clone());
    const { code, state } = await approveAtEmulator(started.authorizeUrl, emulator.users[0].openId);
    const done = await callback(server, { code, state }, started.jar);
    started.jar.store(done.headers['set-cookie']);
    expect(started.jar.get('feishu_session')).toBeDefined();
    expect(started.jar.get('feishu_session')).not.toBe(firstSession);

    const old = await request(server.getHttpServer()).get('/me/name').set('Cookie', first.header());
    expect(old.status).toBe(401);
  });

  it('should return to a validated local returnTo after login', async () => {
    const server = await startApp();
    const started = await startLogin(
      server,
      new CookieJar(),
      `${LOGIN_URL}?returnTo=%2Freports%3Fq%3D1`,
    );
    const { code, state } = await approveAtEmulator(started.authorizeUrl, emulator.users[1].openId);
    const done = await callback(server, { code, state }, started.jar, '/return-to/callback');
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe('/reports?q=1');
  });

  it('should return to the normalised returnTo, dot segments resolved', async () => {
    const server = await startApp();
    const started = await startLogin(
      server,
      new CookieJar(),
      `${LOGIN_URL}?returnTo=${encodeURIComponent('/a/./b/../reports?q=1')}`,
    );
    const { code, state } = await approveAtEmulator(started.authorizeUrl, emulator.users[1].openId);
    const done = await callback(server, { code, state }, started.jar, '/return-to/callback');
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe('/a/reports?q=1');
  });

  it.each(['https://evil.example/', '//evil.example', '/.//evil.example', '/\\evil.example'])(
    'should refuse the returnTo %s before redirecting to Feishu',
    async (returnTo) => {
      const server = await startApp();
      const response = await request(server.getHttpServer()).get(
        `${LOGIN_URL}?returnTo=${encodeURIComponent(returnTo)}`,
      );
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, reason: 'invalid_return_to' });
      expect(response.headers.location).toBeUndefined();
    },
  );

  it('should request the configured scopes plus offline_access once, and log in without PKCE when disabled', async () => {
    const server = await startApp({
      pkce: false,
      scopes: ['contact:user.email:readonly', 'offline_access'],
    });
    const started = await startLogin(server);
    const scopes = started.authorizeUrl.searchParams.get('scope')!.split(' ');
    expect(scopes.sort()).toEqual(['contact:user.email:readonly', 'offline_access']);
    expect(started.authorizeUrl.searchParams.has('code_challenge')).toBe(false);
    expect(started.authorizeUrl.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    const { code, state } = await approveAtEmulator(started.authorizeUrl, emulator.users[0].openId);
    const done = await callback(server, { code, state }, started.jar);
    expect(done.status).toBe(302);
  });

  it('should name the login cookie __Host- and mark it Secure when session.secure is true', async () => {
    const server = await startApp({ session: { secret: SESSION_SECRET, secure: true } });
    const response = await request(server.getHttpServer()).get(LOGIN_URL);
    const binding = setCookieLines(response.headers['set-cookie']).find((c) =>
      c.startsWith('__Host-feishu_session_login='),
    );
    expect(binding).toMatch(/; Secure/);
    expect(binding).toMatch(/HttpOnly/);
    expect(binding).toMatch(/SameSite=Lax/);
    expect(binding).toMatch(/Path=\//);
    expect(binding).not.toMatch(/Domain=/);
  });

  it('should finish on instance B a login started on instance A when both share one store', async () => {
    const store = new InMemoryTokenStore({ clock: () => now });
    const a = await startApp({ store });
    const b = await startApp({ store });
    const jar = await login(a, emulator.users[0].openId, b);

    for (const instance of [a, b]) {
      const me = await request(instance.getHttpServer())
        .get('/me/name')
        .set('Cookie', jar.header());
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ name: emulator.users[0].name, mode: 'session' });
    }
  });

  it('should refresh a due token exactly once for 100 concurrent requests, rotating it', async () => {
    const store = new InMemoryTokenStore({ clock: () => now });
    const server = await startApp({ store, refresh: { proactiveUserRefresh: false } });
    const openId = emulator.users[0].openId;
    const jar = await login(server, openId);
    const before = await store.getUserToken(SELF_BUILT.appId, openId);

    now = before!.accessTokenExpiresAt - UNDER_WAIT_FLOOR_MS;
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        request(server.getHttpServer()).get('/me/user-token').set('Cookie', jar.header()),
      ),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(100).fill(200));
    expect(calls(emulator, 'token.v2.refresh_token')).toBe(1);
    const after = await store.getUserToken(SELF_BUILT.appId, openId);
    expect(after!.refreshToken).not.toBe(before!.refreshToken);
    expect(after!.accessToken).not.toBe(before!.accessToken);
  });

  it('should answer 401 with the login URL and forget the user when the refresh token is dead', async () => {
    const store = new InMemoryTokenStore({ clock: () => now });
    const server = await startApp({ store, refresh: { proactiveUserRefresh: false } });
    const openId = emulator.users[0].openId;
    const jar = await login(server, openId);
    const record = await store.getUserToken(SELF_BUILT.appId, openId);

    emulator.revokeRefreshTokens(openId);
    now = record!.accessTokenExpiresAt - UNDER_WAIT_FLOOR_MS;
    const response = await request(server.getHttpServer())
      .get('/me/user-token')
      .set('Cookie', jar.header());

    expect(response.status).toBe(401);
    expect(response.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      reason: expect.any(String),
      loginUrl: LOGIN_URL,
    });
    await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toBeUndefined();
    const next = await request(server.getHttpServer()).get('/me/name').set('Cookie', jar.header());
    expect(next.status).toBe(401);
    expect(next.body.loginUrl).toBe(LOGIN_URL);
  });

  it.each([
    ['v3', 'token.v3.authorization_code'],
    ['v1-oidc', 'oidc.access_token'],
  ] as const)('should complete a login on the %s token endpoint', async (tokenEndpoint, key) => {
    const server = await startApp({ tokenEndpoint });
    const jar = await login(server, emulator.users[2].openId);
    const me = await request(server.getHttpServer()).get('/me').set('Cookie', jar.header());
    expect(me.status).toBe(200);
    expect(me.body.user.openId).toBe(emulator.users[2].openId);
    expect(calls(emulator, key)).toBe(1);
    expect(calls(emulator, 'token.v2.authorization_code')).toBe(0);
  });

  it('should sign in without offline_access and warn once to enable it', async () => {
    const logger = new CapturingLogger();
    const store = new InMemoryTokenStore({ clock: () => now });
    const server = await startApp({ ...NO_OFFLINE, store }, logger);
    await login(server, emulator.users[0].openId);
    const jar = await login(server, emulator.users[1].openId);

    const me = await request(server.getHttpServer()).get('/me/name').set('Cookie', jar.header());
    expect(me.status).toBe(200);
    // open_id is per app: the store keys the user by its id in the NO_OFFLINE app.
    const record = await store.getUserToken(
      NO_OFFLINE.appId,
      emulator.openIdFor(NO_OFFLINE.appId, emulator.users[1]),
    );
    expect(record!.refreshToken).toBeUndefined();
    const warnings = logger.lines.filter(
      (line) => line.level === 'warn' && line.text.includes('offline_access'),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0].text).toMatch(/developer console/);
  });

  it('should never write a token, secret, code or cookie value to the logs during a full flow', async () => {
    const logger = new CapturingLogger();
    const store = new InMemoryTokenStore({ clock: () => now });
    const server = await startApp({ store, refresh: { proactiveUserRefresh: false } }, logger);
    const openId = emulator.users[0].openId;

    const started = await startLogin(server);
    const { code, state } = await approveAtEmulator(started.authorizeUrl, openId);
    const done = await callback(server, { code, state }, started.jar);
    started.jar.store(done.headers['set-cookie']);
    const first = await store.getUserToken(SELF_BUILT.appId, openId);
    await request(server.getHttpServer()).get('/me').set('Cookie', started.jar.header());
    now = first!.accessTokenExpiresAt - UNDER_WAIT_FLOOR_MS;
    await request(server.getHttpServer()).get('/me').set('Cookie', started.jar.header());
    const second = await store.getUserToken(SELF_BUILT.appId, openId);
    // A replayed callback and a bad Bearer token make the library log its failures too.
    await callback(server, { code, state }, started.jar);
    await request(server.getHttpServer())
      .get('/me')
      .set('Authorization', `Bearer ${first!.accessToken}x`);
    await request(server.getHttpServer())
      .get('/me')
      .set('Authorization', `Bearer ${second!.accessToken}`);
    await request(server.getHttpServer())
      .get('/auth/feishu/logout')
      .set('Cookie', started.jar.header());

    const secrets = [
      first!.accessToken,
      first!.refreshToken!,
      second!.accessToken,
      second!.refreshToken!,
      SELF_BUILT.appSecret,
      SESSION_SECRET,
      code,
      state,
      started.jar.get('feishu_session')!,
      started.jar.get('feishu_session_login')!,
    ];
    expect(logger.lines.length).toBeGreaterThan(0);
    const logs = logger.all();
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(logs).not.toContain(secret);
      expect(logs).not.toContain(decodeURIComponent(secret));
    }
  });
});
