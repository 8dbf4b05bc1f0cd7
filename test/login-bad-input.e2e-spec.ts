import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { InMemoryTokenStore } from '@feishu-auth/nestjs';
import { REDIRECT_URI, SELF_BUILT } from './support/core-app.js';
import {
  approveAtEmulator,
  callback,
  createTestApp,
  login,
  startLogin,
} from './support/login-app.js';
import { calls } from './support/emulator-calls.js';
import { CookieJar } from './support/cookie-jar.js';
import { HTTP_PLATFORMS } from './support/http-platform.js';

describe.each(HTTP_PLATFORMS)('Login callback with bad input on %s (e2e)', (platform) => {
  let emulator: FeishuEmulator;
  let now: number;
  let store: InMemoryTokenStore;
  let server: INestApplication;
  let openId: string;
  const apps: INestApplication[] = [];

  beforeEach(async () => {
    now = Date.now();
    emulator = await FeishuEmulator.start({ port: 0, clock: () => now });
    store = new InMemoryTokenStore({ clock: () => now });
    server = await createTestApp({ emulator, platform, overrides: { store, clock: () => now } });
    apps.push(server);
    openId = emulator.users[0].openId;
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await emulator.close();
  });

  /** A refused callback: 4xx JSON with a reason, no token, no stored tokens, no session. */
  async function expectRefused(
    response: request.Response,
    status: number,
    reason: string,
  ): Promise<void> {
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/application\/json/);
    expect(response.body).toMatchObject({ statusCode: status, reason });
    expect(typeof response.body.message).toBe('string');
    expect(JSON.stringify(response.body)).not.toMatch(/eyJ|stack|at .*\.ts/);
    expect(String(response.headers['set-cookie'] ?? '')).not.toMatch(/feishu_session=[^;]/);
    await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toBeUndefined();
  }

  it('should refuse a callback without a code, before calling Feishu', async () => {
    const { jar } = await startLogin(server);
    const response = await callback(server, { state: 'whatever' }, jar);
    await expectRefused(response, 400, 'missing_code');
    expect(calls(emulator, 'token.v2.authorization_code')).toBe(0);
  });

  it('should say the user refused consent on error=access_denied', async () => {
    const { jar } = await startLogin(server);
    const response = await callback(server, { error: 'access_denied', state: 'x' }, jar);
    await expectRefused(response, 403, 'consent_denied');
    expect(response.body.message).toMatch(/refused/);
  });

  it('should redirect a refused consent to failureRedirect when one is configured', async () => {
    const withRedirect = await createTestApp({
      emulator,
      platform,
      overrides: { store, clock: () => now, failureRedirect: '/login-failed' },
    });
    apps.push(withRedirect);
    const { jar } = await startLogin(withRedirect);
    const response = await callback(withRedirect, { error: 'access_denied', state: 'x' }, jar);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/login-failed?error=consent_denied');
  });

  it('should refuse a forged state before exchanging the code', async () => {
    const started = await startLogin(server);
    const { code } = await approveAtEmulator(started.authorizeUrl, openId);
    const response = await callback(server, { code, state: 'forged-state' }, started.jar);
    await expectRefused(response, 403, 'invalid_state');
    expect(calls(emulator, 'token.v2.authorization_code')).toBe(0);
  });

  it('should refuse a missing state before exchanging the code', async () => {
    const started = await startLogin(server);
    const { code } = await approveAtEmulator(started.authorizeUrl, openId);
    const response = await callback(server, { code }, started.jar);
    await expectRefused(response, 403, 'missing_state');
    expect(calls(emulator, 'token.v2.authorization_code')).toBe(0);
  });

  it('should refuse a state started in another browser (login CSRF) before exchanging the code', async () => {
    const attacker = await startLogin(server);
    const { code, state } = await approveAtEmulator(attacker.authorizeUrl, openId);
    const victim = await startLogin(server);
    const response = await callback(server, { code, state }, victim.jar);
    await expectRefused(response, 403, 'invalid_state');
    const noCookie = await callback(server, { code, state }, new CookieJar());
    await expectRefused(noCookie, 403, 'state_browser_mismatch');
    expect(calls(emulator, 'token.v2.authorization_code')).toBe(0);
  });

  it('should let the browser that started a login finish it after another browser sent its state', async () => {
    const victim = await startLogin(server);
    const { code, state } = await approveAtEmulator(victim.authorizeUrl, openId);
    const other = await startLogin(server);

    await expectRefused(await callback(server, { code, state }, other.jar), 403, 'invalid_state');
    const noCookie = await callback(server, { code, state }, new CookieJar());
    await expectRefused(noCookie, 403, 'state_browser_mismatch');
    const own = await callback(server, { code, state }, victim.jar);

    expect(own.status).toBe(302);
    expect(calls(emulator, 'token.v2.authorization_code')).toBe(1);
  });

  it('should refuse a replayed code with the hint, as 400 not 502', async () => {
    const started = await startLogin(server);
    const { code, state } = await approveAtEmulator(started.authorizeUrl, openId);
    expect((await callback(server, { code, state }, started.jar)).status).toBe(302);
    const before = await store.getUserToken(SELF_BUILT.appId, openId);

    const again = await startLogin(server, new CookieJar());
    const response = await callback(
      server,
      { code, state: again.authorizeUrl.searchParams.get('state')! },
      again.jar,
    );
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, reason: 'code_invalid' });
    expect(response.body.hint).toMatch(/single use/);
    expect(String(response.headers['set-cookie'] ?? '')).not.toMatch(/feishu_session=[^;]/);
    await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toEqual(before);
  });

  it('should refuse an expired code', async () => {
    const started = await startLogin(server);
    const { code, state } = await approveAtEmulator(started.authorizeUrl, openId);
    now += 301_000;
    const response = await callback(server, { code, state }, started.jar);
    await expectRefused(response, 400, 'code_expired');
  });

  it('should refuse a code exchanged with another login’s PKCE verifier', async () => {
    const first = await startLogin(server);
    const second = await startLogin(server, first.jar);
    const { code } = await approveAtEmulator(first.authorizeUrl, openId);
    const response = await callback(
      server,
      { code, state: second.authorizeUrl.searchParams.get('state')! },
      second.jar,
    );
    await expectRefused(response, 400, 'pkce_mismatch');
  });

  it('should refuse a code issued for another redirect URI', async () => {
    const other = 'http://localhost:3000/other/callback';
    emulator.addRedirectUri(SELF_BUILT.appId, other);
    const started = await startLogin(server);
    const authorizeUrl = new URL(started.authorizeUrl);
    authorizeUrl.searchParams.set('redirect_uri', other);
    const { code, state } = await approveAtEmulator(authorizeUrl, openId);
    const response = await callback(server, { code, state }, started.jar);
    await expectRefused(response, 400, 'redirect_uri_mismatch');
    expect(REDIRECT_URI).not.toBe(other);
  });

  it('should refuse an oversized query with 414', async () => {
    const { jar } = await startLogin(server);
    const response = await callback(server, { code: 'a'.repeat(5000), state: 'x' }, jar);
    await expectRefused(response, 414, 'query_too_large');
    expect(calls(emulator, 'token.v2.authorization_code')).toBe(0);
  });

  it('should refuse repeated callback parameters', async () => {
    const { jar } = await startLogin(server);
    const response = await request(server.getHttpServer())
      .get('/auth/feishu/callback?code=a&code=b&state=x')
      .set('Cookie', jar.header());
    await expectRefused(response, 400, 'malformed_callback');
  });

  it.each([
    ['503', { status: 503, code: 20072 }, 503],
    ['500', { status: 500, code: 20050 }, 502],
    ['a reset connection', { resetConnection: true }, 503],
  ])(
    'should answer a Feishu %s during the exchange with a 5xx other than 500',
    async (_label, fault, status) => {
      const started = await startLogin(server);
      const { code, state } = await approveAtEmulator(started.authorizeUrl, openId);
      emulator.failNext({ endpoint: 'token.v2', ...fault });
      const response = await callback(server, { code, state }, started.jar);
      expect(response.status).toBe(status);
      expect(JSON.stringify(response.body)).not.toMatch(/eyJ|stack/);
      await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toBeUndefined();
    },
  );

  it('should leave an already signed-in user untouched by a bad callback', async () => {
    const jar = await login(server, openId);
    const before = await store.getUserToken(SELF_BUILT.appId, openId);
    const response = await callback(server, { code: 'x', state: 'forged' }, jar);
    expect(response.status).toBe(403);
    await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toEqual(before);
    const me = await request(server.getHttpServer()).get('/me/name').set('Cookie', jar.header());
    expect(me.status).toBe(200);
  });
});
