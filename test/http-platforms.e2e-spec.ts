import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { FeishuEmulator, encryptEvent, signEvent } from '@feishu-auth/emulator';
import { InMemoryTokenStore } from '@feishu-auth/nestjs';
import { approveAtEmulator, callback, createTestApp, startLogin } from './support/login-app.js';
import { startStoreApp, REDIRECT_URI, SELF_BUILT } from './support/core-app.js';
import { HTTP_PLATFORMS } from './support/http-platform.js';

const LOGIN_URL = '/auth/feishu/login';
/** The header the README tells cookie-less clients to send their session token in. */
const SESSION_HEADER = 'X-Feishu-Session';

/**
 * Every piece of the library that reads a request or writes a response, once per HTTP platform:
 * the same statuses, headers and bodies on Express and on Fastify.
 */
describe.each(HTTP_PLATFORMS)('Login, sessions and guards on %s (e2e)', (platform) => {
  let emulator: FeishuEmulator;
  let store: InMemoryTokenStore;
  let app: INestApplication;
  let openId: string;

  beforeEach(async () => {
    emulator = await FeishuEmulator.start({ port: 0 });
    store = new InMemoryTokenStore();
    app = await createTestApp({ emulator, platform, overrides: { store } });
    openId = emulator.users[0].openId;
  });

  afterEach(async () => {
    await app.close();
    await emulator.close();
  });

  const http = () => request(app.getHttpServer());

  it('should redirect to Feishu with state and PKCE, and set the signed binding cookie', async () => {
    const response = await http().get(`${LOGIN_URL}?returnTo=/reports`);

    expect(response.status).toBe(302);
    const location = new URL(response.headers.location);
    expect(`${location.origin}${location.pathname}`).toBe(
      `${emulator.url}/open-apis/authen/v1/authorize`,
    );
    expect(location.searchParams.get('client_id')).toBe(SELF_BUILT.appId);
    expect(location.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    const cookies = [response.headers['set-cookie'] ?? []].flat();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatch(/^feishu_session_login=[^;]+; Max-Age=600; Path=\/; HttpOnly;/);
  });

  it('should sign in on the callback, serve the session cookie and X-Feishu-Session, and log out', async () => {
    const started = await startLogin(app);
    const { code, state } = await approveAtEmulator(started.authorizeUrl, openId);
    const signedIn = await callback(app, { code, state }, started.jar);
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.location).toBe('/');
    started.jar.store(signedIn.headers['set-cookie']);
    const jar = started.jar;
    expect(jar.get('feishu_session')).toBeDefined();

    const me = await http().get('/me').set('Cookie', jar.header());
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      user: expect.objectContaining({ openId, name: emulator.users[0].name }),
      userToken: true,
      tenantToken: true,
    });

    const loggedOut = await http().get('/auth/feishu/logout').set('Cookie', jar.header());
    expect(loggedOut.status).toBe(302);
    expect([loggedOut.headers['set-cookie']].flat()[0]).toMatch(/^feishu_session=; Max-Age=0;/);
    const after = await http().get('/me').set('Cookie', jar.header());
    expect(after.status).toBe(401);
    expect(after.body).toMatchObject({ statusCode: 401, loginUrl: LOGIN_URL });
    await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toBeUndefined();
  });

  it('should sign in with an in-app code for a session token, accepted as X-Feishu-Session until logout', async () => {
    const code = emulator.issueAuthorizationCode({ appId: SELF_BUILT.appId, openId });

    const signedIn = await http().post('/auth/feishu/code').send({ code, session: 'token' });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers['set-cookie']).toBeUndefined();
    const sessionToken: string = signedIn.body.sessionToken;
    expect(signedIn.body).toMatchObject({ name: emulator.users[0].name, expiresIn: 7200 });

    const me = await http().get('/me/name').set(SESSION_HEADER, sessionToken);
    expect(me.body).toEqual({ name: emulator.users[0].name, mode: 'session' });

    const loggedOut = await http().post('/auth/feishu/logout').set(SESSION_HEADER, sessionToken);
    expect(loggedOut.status).toBe(204);
    const after = await http().get('/me/name').set(SESSION_HEADER, sessionToken);
    expect(after.status).toBe(401);
  });

  it('should sign in with an in-app code for a session cookie', async () => {
    const code = emulator.issueAuthorizationCode({ appId: SELF_BUILT.appId, openId });

    const signedIn = await http().post('/auth/feishu/code').send({ code });
    expect(signedIn.status).toBe(200);
    const cookie = [signedIn.headers['set-cookie']].flat()[0] ?? '';
    expect(cookie).toMatch(/^feishu_session=[^;]+; Max-Age=604800; Path=\/; HttpOnly;/);

    const me = await http().get('/me/name').set('Cookie', cookie.split(';')[0]);
    expect(me.body).toEqual({ name: emulator.users[0].name, mode: 'session' });
  });

  it('should accept the Bearer user token of a signed-in user', async () => {
    const code = emulator.issueAuthorizationCode({ appId: SELF_BUILT.appId, openId });
    await http().post('/auth/feishu/code').send({ code }).expect(200);
    const { accessToken } = (await store.getUserToken(SELF_BUILT.appId, openId))!;

    const me = await http().get('/me/name').set('Authorization', `Bearer ${accessToken}`);

    expect(me.status).toBe(200);
    expect(me.body).toEqual({ name: emulator.users[0].name, mode: 'bearer' });
  });

  it('should redirect a refused login to failureRedirect', async () => {
    const withRedirect = await createTestApp({
      emulator,
      platform,
      overrides: { store, failureRedirect: '/login-failed' },
    });
    try {
      const { jar } = await startLogin(withRedirect);
      const response = await callback(withRedirect, { error: 'access_denied', state: 'x' }, jar);
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe('/login-failed?error=consent_denied');
    } finally {
      await withRedirect.close();
    }
  });
});

describe.each(HTTP_PLATFORMS)('The events endpoint on %s (e2e)', (platform) => {
  let emulator: FeishuEmulator;
  let app: INestApplication;
  let encryptKey: string;
  let verificationToken: string;

  beforeEach(async () => {
    emulator = await FeishuEmulator.start({ port: 0 });
    ({ app, encryptKey, verificationToken } = await startStoreApp(emulator, platform));
  });

  afterEach(async () => {
    await app.close();
    await emulator.close();
  });

  /** Signed over the bytes as sent: spaces a re-serialised body would lose. */
  function signed(challenge: string) {
    const body = `{ "encrypt": ${JSON.stringify(
      encryptEvent(
        encryptKey,
        JSON.stringify({ challenge, token: verificationToken, type: 'url_verification' }),
      ),
    )} }`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = 'nonce-platform';
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-lark-request-timestamp': timestamp,
        'x-lark-request-nonce': nonce,
        'x-lark-signature': signEvent(timestamp, nonce, encryptKey, body),
      },
    };
  }

  it('should check the signature over the raw body and answer the challenge', async () => {
    const { body, headers } = signed('platform-challenge');
    const response = await request(app.getHttpServer())
      .post('/feishu/events')
      .set(headers)
      .send(body);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ challenge: 'platform-challenge' });
  });

  it('should warn once, naming rawBody: true, when the app was created without it', async () => {
    const warnings: string[] = [];
    const logger = {
      log: () => undefined,
      error: () => undefined,
      warn: (message: unknown) => void warnings.push(String(message)),
    };
    const { app: withoutRawBody } = await startStoreApp(emulator, platform, { logger });
    try {
      for (const challenge of ['first', 'second']) {
        const { body, headers } = signed(challenge);
        const response = await request(withoutRawBody.getHttpServer())
          .post('/feishu/events')
          .set(headers)
          .send(body);
        // Signed over bytes with spaces, checked over compact JSON: refused, never accepted.
        expect(response.status).toBe(401);
      }
      expect(warnings.filter((line) => line.includes('{ rawBody: true }'))).toHaveLength(1);
    } finally {
      await withoutRawBody.close();
    }
  });

  it('should refuse a body changed after signing with 401 JSON', async () => {
    const { body, headers } = signed('platform-challenge');
    const response = await request(app.getHttpServer())
      .post('/feishu/events')
      .set(headers)
      .send(body.replace('{ "encrypt"', '{"encrypt"'));
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ statusCode: 401 });
  });
});
