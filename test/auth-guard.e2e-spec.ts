import type { INestApplication } from '@nestjs/common';
import { sign } from 'cookie-signature';
import request from 'supertest';
import { type EmulatorUser, FeishuEmulator } from '@feishu-auth/emulator';
import { FeishuStoreUnavailableError, InMemoryTokenStore } from '@feishu-auth/nestjs';
import { SELF_BUILT } from './support/core-app.js';
import { createTestApp, login } from './support/login-app.js';
import { calls } from './support/emulator-calls.js';
import type { CookieJar } from './support/cookie-jar.js';
import { HTTP_PLATFORMS } from './support/http-platform.js';

/** A session id signed as the library signs session cookies: the purpose label is signed, not sent. */
function signSessionId(id: string, secret: string): string {
  const purpose = 'session-cookie:';
  return sign(`${purpose}${id}`, secret).slice(purpose.length);
}

const LOGIN_URL = '/auth/feishu/login';
const OTHER_APP = { appId: 'cli_emulator_other', appSecret: 'emulator-other-secret' };
const SESSION_TTL_SECONDS = 3600;

async function expect401(response: request.Response): Promise<void> {
  expect(response.status).toBe(401);
  expect(response.body).toEqual({
    statusCode: 401,
    error: 'Unauthorized',
    reason: expect.any(String),
    loginUrl: LOGIN_URL,
  });
  expect(response.body.reason.length).toBeGreaterThan(10);
}

/** An InMemoryTokenStore whose backend can be taken down, as Redis can. */
class FlakyTokenStore extends InMemoryTokenStore {
  down = false;
  override async getSession(id: string) {
    if (this.down) throw new FeishuStoreUnavailableError('store down');
    return super.getSession(id);
  }
}

describe.each(HTTP_PLATFORMS)('FeishuAuthGuard on %s (e2e)', (platform) => {
  let emulator: FeishuEmulator;
  let now: number;
  let store: FlakyTokenStore;
  let server: INestApplication;
  let openId: string;
  const apps: INestApplication[] = [];

  beforeEach(async () => {
    now = Date.now();
    emulator = await FeishuEmulator.start({ port: 0, clock: () => now });
    store = new FlakyTokenStore({ clock: () => now });
    server = await createTestApp({
      emulator,
      platform,
      overrides: {
        store,
        clock: () => now,
        session: {
          secret: ['new-secret-0123456789abcdef-0123', 'old-secret-0123456789abcdef-0123'],
          ttlSeconds: SESSION_TTL_SECONDS,
        },
        refresh: { proactiveUserRefresh: false },
      },
    });
    apps.push(server);
    openId = emulator.users[0].openId;
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await emulator.close();
  });

  function get(path: string) {
    return request(server.getHttpServer()).get(path);
  }

  async function signedIn(): Promise<{ jar: CookieJar; accessToken: string }> {
    const jar = await login(server, openId);
    const record = await store.getUserToken(SELF_BUILT.appId, openId);
    return { jar, accessToken: record!.accessToken };
  }

  /** The user's access token of a second app (cli_emulator_other), obtained through its own login. */
  async function tokenOfOtherApp(user: EmulatorUser): Promise<string> {
    const otherStore = new InMemoryTokenStore({ clock: () => now });
    const other = await createTestApp({
      emulator,
      platform,
      overrides: { ...OTHER_APP, store: otherStore, clock: () => now },
    });
    apps.push(other);
    // open_id is per app: the other app knows this user by another id.
    const otherOpenId = emulator.openIdFor(OTHER_APP.appId, user);
    await login(other, otherOpenId);
    return (await otherStore.getUserToken(OTHER_APP.appId, otherOpenId))!.accessToken;
  }

  it('should refuse a request without a session or a token', async () => {
    await expect401(await get('/me'));
  });

  it('should refuse a session cookie whose id was tampered with', async () => {
    const { jar } = await signedIn();
    const cookie = jar.get('feishu_session')!;
    const tampered = `${cookie[0] === 'A' ? 'B' : 'A'}${cookie.slice(1)}`;
    await expect401(await get('/me/name').set('Cookie', `feishu_session=${tampered}`));
  });

  it('should refuse a session id signed with a secret the app does not know', async () => {
    const { jar } = await signedIn();
    const id = decodeURIComponent(jar.get('feishu_session')!).split('.')[0];
    const foreign = encodeURIComponent(signSessionId(id, 'attacker-secret-0123456789abcdef'));
    await expect401(await get('/me/name').set('Cookie', `feishu_session=${foreign}`));
  });

  it('should accept a session id signed with an older secret still in the list', async () => {
    const { jar } = await signedIn();
    const id = decodeURIComponent(jar.get('feishu_session')!).split('.')[0];
    const old = encodeURIComponent(signSessionId(id, 'old-secret-0123456789abcdef-0123'));
    const response = await get('/me/name').set('Cookie', `feishu_session=${old}`);
    expect(response.status).toBe(200);
  });

  it('should refuse an expired session', async () => {
    const { jar } = await signedIn();
    now += SESSION_TTL_SECONDS * 1000 + 1000;
    await expect401(await get('/me/name').set('Cookie', jar.header()));
  });

  it('should refuse a well-signed cookie naming no session', async () => {
    const forged = encodeURIComponent(
      signSessionId('no-such-session', 'new-secret-0123456789abcdef-0123'),
    );
    await expect401(await get('/me/name').set('Cookie', `feishu_session=${forged}`));
  });

  it('should not resolve tokens for handlers that do not ask for them', async () => {
    const { jar } = await signedIn();
    const tenantCalls = calls(emulator, 'tenant_access_token.internal');
    const response = await get('/me/name').set('Cookie', jar.header());
    expect(response.status).toBe(200);
    expect(calls(emulator, 'tenant_access_token.internal')).toBe(tenantCalls);
    expect(calls(emulator, 'token.v2.refresh_token')).toBe(0);
  });

  it('should accept a Bearer user token once validated by Feishu, and cache the validation', async () => {
    const { accessToken } = await signedIn();
    const userInfoCalls = calls(emulator, 'user_info');
    for (let i = 0; i < 3; i++) {
      const response = await get('/me/name').set('Authorization', `Bearer ${accessToken}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ name: emulator.users[0].name, mode: 'bearer' });
    }
    expect(calls(emulator, 'user_info')).toBe(userInfoCalls + 1);
    const token = await get('/me/user-token').set('Authorization', `Bearer ${accessToken}`);
    expect(token.body).toEqual({ length: accessToken.length });
  });

  it('should refuse a Bearer token Feishu rejects', async () => {
    const { accessToken } = await signedIn();
    const forged = `${accessToken.slice(0, -4)}AAAA`;
    const response = await get('/me/name').set('Authorization', `Bearer ${forged}`);
    await expect401(response);
    expect(response.body.reason).toMatch(/Feishu rejected/);
  });

  it.each([
    ['garbage', 'Bearer not a token!'],
    ['a token with characters no token has', 'Bearer abc"def<script>'],
    ['two tokens', 'Bearer abc def'],
    ['a huge token', `Bearer ${'a'.repeat(9000)}`],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
  ])('should refuse %s without asking Feishu', async (_label, header) => {
    const before = calls(emulator, 'user_info');
    const response = await get('/me/name').set('Authorization', header);
    await expect401(response);
    expect(calls(emulator, 'user_info')).toBe(before);
  });

  it('should refuse the token of a user who never signed in to this app', async () => {
    const otherToken = await tokenOfOtherApp(emulator.users[1]);
    const response = await get('/me/name').set('Authorization', `Bearer ${otherToken}`);
    await expect401(response);
    expect(response.body.reason).toMatch(/never signed in/);
  });

  it('should refuse a Bearer token another app issued to a user who has signed in to this app', async () => {
    const own = await signedIn();
    const foreign = await tokenOfOtherApp(emulator.users[0]);
    expect(await store.getUserToken(SELF_BUILT.appId, openId)).toBeDefined();
    const before = calls(emulator, 'user_info');
    const response = await get('/me/name').set('Authorization', `Bearer ${foreign}`);
    await expect401(response);
    expect(response.body.reason).toMatch(/never signed in/);
    // Feishu accepted the token; the guard refused the other app's open_id user_info gave back.
    expect(calls(emulator, 'user_info')).toBe(before + 1);
    const ownAnswer = await get('/me/name').set('Authorization', `Bearer ${own.accessToken}`);
    expect(ownAnswer.status).toBe(200);
  });

  it('should refuse the Bearer token of another app whose users are kept in the same store', async () => {
    const other = await createTestApp({
      emulator,
      platform,
      overrides: { ...OTHER_APP, store, clock: () => now },
    });
    apps.push(other);
    const otherOpenId = emulator.openIdFor(OTHER_APP.appId, emulator.users[0]);
    await login(other, otherOpenId);
    const foreign = (await store.getUserToken(OTHER_APP.appId, otherOpenId))!.accessToken;

    const here = await get('/me/name').set('Authorization', `Bearer ${foreign}`);
    const there = await request(other.getHttpServer())
      .get('/me/name')
      .set('Authorization', `Bearer ${foreign}`);

    await expect401(here);
    expect(there.status).toBe(200);
  });

  it('should refuse a Bearer token on every instance at once after its user logs out', async () => {
    const second = await createTestApp({
      emulator,
      platform,
      overrides: { store, clock: () => now, refresh: { proactiveUserRefresh: false } },
    });
    apps.push(second);
    const { jar, accessToken } = await signedIn();
    const bearer = (app: INestApplication) =>
      request(app.getHttpServer()).get('/me/name').set('Authorization', `Bearer ${accessToken}`);
    expect((await bearer(server)).status).toBe(200);
    expect((await bearer(second)).status).toBe(200);

    await get('/auth/feishu/logout').set('Cookie', jar.header());

    await expect401(await bearer(server));
    await expect401(await bearer(second));
  });

  it('should answer 503 when Feishu is unavailable while validating a Bearer token', async () => {
    const { accessToken } = await signedIn();
    emulator.failNext({ endpoint: 'user_info', status: 503 });
    const response = await get('/me/name').set('Authorization', `Bearer ${accessToken}`);
    expect(response.status).toBe(503);
    expect(JSON.stringify(response.body)).not.toContain(accessToken.slice(0, 40));
  });

  it('should answer 504 when Feishu does not answer in time while validating a Bearer token', async () => {
    const { accessToken } = await signedIn();
    const impatient = await createTestApp({
      emulator,
      platform,
      overrides: { store, clock: () => now, http: { timeoutMs: 200, retries: 0 } },
    });
    apps.push(impatient);
    emulator.failNext({ endpoint: 'user_info', delayMs: 1000 });
    const response = await request(impatient.getHttpServer())
      .get('/me/name')
      .set('Authorization', `Bearer ${accessToken}`);
    expect(response.status).toBe(504);
  });

  it('should answer 503 when the store is down', async () => {
    const { jar } = await signedIn();
    store.down = true;
    const response = await get('/me/name').set('Cookie', jar.header());
    expect(response.status).toBe(503);
    expect(response.body.statusCode).toBe(503);
  });

  it('should keep the stored tokens untouched by refused requests', async () => {
    const { accessToken } = await signedIn();
    const before = await store.getUserToken(SELF_BUILT.appId, openId);
    await get('/me').set('Authorization', 'Bearer garbage!');
    await get('/me').set('Authorization', `Bearer ${accessToken}x`);
    await get('/me').set('Cookie', 'feishu_session=forged');
    await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toEqual(before);
  });
});
