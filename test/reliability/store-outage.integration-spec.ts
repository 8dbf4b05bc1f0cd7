import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { RedisTokenStore, TokenService, type FeishuAuthModuleOptions } from '@feishu-auth/nestjs';
import { SELF_BUILT } from '../support/core-app.js';
import { approveAtEmulator, callback, login, startLogin } from '../support/login-app.js';
import type { CookieJar } from '../support/cookie-jar.js';
import { RedisServer } from '../support/redis-server.js';
import { calls } from '../support/emulator-calls.js';
import { eventually, sleep } from '../support/polling.js';
import {
  LOGIN_URL,
  browserGet,
  expectJsonError,
  startReliabilityApp,
  watchedSuite,
} from '../support/reliability-app.js';

const REFRESH = 'token.v2.refresh_token';
const COMMAND_TIMEOUT_MS = 300;
/**
 * Shorter than the 5-minute refresh margin but above the 60 s wait floor: a fresh token is due at
 * once, and requests are served it while one refresh runs behind them.
 */
const DUE_TOKEN_LIFETIME_SECONDS = 120;
/** Under the 60 s wait floor: a request waits for the refresh and answers with its outcome. */
const WAIT_TOKEN_LIFETIME_SECONDS = 30;

/** The store reconnects a moment after Redis is back. */
const REDIS_BACK = { timeoutMs: 10_000, intervalMs: 100 };

describe('Token store (Redis) failing during login, refresh and guarded requests (reliability)', () => {
  const { watch, unhandled } = watchedSuite();
  let redis: RedisServer;
  let admin: Redis;
  let emulator: FeishuEmulator;
  let store: RedisTokenStore;
  let app: INestApplication | undefined;
  let openId: string;
  let prefix = 0;

  beforeAll(async () => {
    redis = await RedisServer.start();
    admin = new Redis(redis.url);
  });

  afterAll(async () => {
    admin.disconnect();
    await redis.stop();
  });

  beforeEach(async () => {
    await redis.startProcess();
    emulator = await FeishuEmulator.start({ port: 0 });
    openId = emulator.users[0].openId;
  });

  afterEach(async () => {
    await unhandled.assertNone();
    await app?.close();
    app = undefined;
    await emulator.close();
  });

  async function startApp(
    overrides: Partial<FeishuAuthModuleOptions> = {},
  ): Promise<INestApplication> {
    store = new RedisTokenStore({
      url: redis.url,
      keyPrefix: `reliability-${++prefix}:`,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
    });
    app = await startReliabilityApp(emulator, watch, { store, ...overrides });
    return app;
  }

  async function signedIn(): Promise<CookieJar> {
    const jar = await login(app!, openId);
    watch.remember(jar.get('feishu_session'));
    const record = await store.getUserToken(SELF_BUILT.appId, openId);
    watch.remember(record?.accessToken);
    watch.remember(record?.refreshToken);
    return jar;
  }

  it('should start a login while Redis is down and finish it once Redis is back', async () => {
    const nest = await startApp();
    await redis.stopProcess();

    const started = await startLogin(nest);

    await redis.startProcess();
    const { code, state } = await approveAtEmulator(started.authorizeUrl, openId);
    // The state is claimed only once the store answers: a 503 meanwhile leaves it usable.
    const done = await eventually(async () => {
      const response = await callback(nest, { code, state }, started.jar);
      if (response.status === 503) throw new Error('the store is not back yet');
      return response;
    }, REDIS_BACK);
    expect(done.status).toBe(302);
    started.jar.store(done.headers['set-cookie']);
    expect((await browserGet(nest, '/me/name', started.jar)).status).toBe(200);
  });

  it('should answer a callback while Redis is down with 503 JSON, without exchanging the code', async () => {
    const nest = await startApp();
    const started = await startLogin(nest);
    const { code, state } = await approveAtEmulator(started.authorizeUrl, openId);
    await redis.stopProcess();

    const response = await callback(nest, { code, state }, started.jar);

    expectJsonError(response, 503);
    expect(String(response.headers['set-cookie'] ?? '')).not.toMatch(/feishu_session=[^;]/);
    expect(calls(emulator, 'token.v2.authorization_code')).toBe(0);
  });

  it('should answer a guarded request while Redis does not answer with 503 JSON, then serve the session again', async () => {
    const nest = await startApp();
    const jar = await signedIn();
    await admin.call('CLIENT', 'PAUSE', String(COMMAND_TIMEOUT_MS * 4), 'ALL');

    const response = await browserGet(nest, '/me/name', jar);

    expectJsonError(response, 503);
    await sleep(COMMAND_TIMEOUT_MS * 4);
    expect((await browserGet(nest, '/me/name', jar)).status).toBe(200);
  });

  it('should answer a request needing a refresh while Redis is down with 503 JSON, sending no refresh', async () => {
    emulator.setTokenLifetimes({ accessToken: DUE_TOKEN_LIFETIME_SECONDS });
    const nest = await startApp();
    const jar = await signedIn();
    await redis.stopProcess();

    const response = await browserGet(nest, '/me/user-token', jar);

    expectJsonError(response, 503);
    expect(calls(emulator, REFRESH)).toBe(0);
  });

  /** Signs in with a token of `lifetimeSeconds`, and arms a refresh that Feishu answers slowly. */
  async function dueUserWithSlowRefresh(
    lifetimeSeconds: number,
  ): Promise<{ nest: INestApplication; jar: CookieJar }> {
    emulator.setTokenLifetimes({ accessToken: lifetimeSeconds });
    const nest = await startApp({ refresh: { proactiveUserRefresh: false, lockLeaseMs: 1_000 } });
    const jar = await signedIn();
    emulator.failNext({ endpoint: REFRESH, delayMs: 300 });
    return { nest, jar };
  }

  it('should answer 503 when the write of a rotated token a request waits for times out, and keep the user signed in once Redis applied it', async () => {
    const { nest, jar } = await dueUserWithSlowRefresh(WAIT_TOKEN_LIFETIME_SECONDS);
    const before = await store.getUserToken(SELF_BUILT.appId, openId);

    const pending = browserGet(nest, '/me/user-token', jar).then((response) => response);
    await eventually(() => calls(emulator, REFRESH) === 1);
    // Redis holds the writes while Feishu rotates the token, and applies them after the pause.
    await admin.call('CLIENT', 'PAUSE', '1500', 'WRITE');
    const response = await pending;

    expectJsonError(response, 503);
    await sleep(1_600);
    expect((await store.getUserToken(SELF_BUILT.appId, openId))?.refreshToken).not.toBe(
      before?.refreshToken,
    );
    expect((await browserGet(nest, '/me/user-token', jar)).status).toBe(200);
    expect(calls(emulator, REFRESH)).toBe(2);
  });

  it('should answer 503 when Redis refuses the write of a rotated token a request waits for, and 401 with the login URL next (the new refresh token is lost)', async () => {
    const { nest, jar } = await dueUserWithSlowRefresh(WAIT_TOKEN_LIFETIME_SECONDS);
    const before = await store.getUserToken(SELF_BUILT.appId, openId);

    const pending = browserGet(nest, '/me/user-token', jar).then((response) => response);
    await eventually(() => calls(emulator, REFRESH) === 1);
    // Out of memory: Redis refuses every write while Feishu rotates the token; reads still work.
    await admin.config('SET', 'maxmemory', '1');
    let response;
    try {
      response = await pending;
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }

    expectJsonError(response, 503);
    expect(await store.getUserToken(SELF_BUILT.appId, openId)).toEqual(before);
    await sleep(1_100); // the refresh lock's lease, as its release was refused too
    const next = await browserGet(nest, '/me/user-token', jar);
    expectJsonError(next, 401);
    expect(next.body).toMatchObject({ loginUrl: LOGIN_URL });
    expect(calls(emulator, REFRESH)).toBe(2);
  });

  it('should serve a due token while Redis refuses the write of its background refresh, report that failure, and ask for login once Feishu refuses the lost refresh token', async () => {
    const { nest, jar } = await dueUserWithSlowRefresh(DUE_TOKEN_LIFETIME_SECONDS);
    const before = await store.getUserToken(SELF_BUILT.appId, openId);
    const tokens = nest.get(TokenService);

    expect((await browserGet(nest, '/me/user-token', jar)).status).toBe(200);
    await eventually(() => calls(emulator, REFRESH) === 1);
    // Out of memory while Feishu rotates the token behind the answered request.
    await admin.config('SET', 'maxmemory', '1');
    try {
      await eventually(() => (tokens.status().failures.FeishuStoreUnavailableError ?? 0) === 1);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }

    expect(await store.getUserToken(SELF_BUILT.appId, openId)).toEqual(before);
    expect(calls(emulator, REFRESH)).toBe(1);
    expect(tokens.status().refreshes.user).toBe(0);
    const next = await eventually(async () => {
      const response = await browserGet(nest, '/me/user-token', jar);
      if (response.status === 200) throw new Error('still served the stored token');
      return response;
    }, REDIS_BACK);
    expectJsonError(next, 401);
    expect(next.body).toMatchObject({ loginUrl: LOGIN_URL });
    expect(calls(emulator, REFRESH)).toBe(2);
    expect(tokens.status().failures.FeishuStoreUnavailableError).toBe(1);
  });

  it('should keep the background refresh running through an outage without an unhandled rejection', async () => {
    emulator.setTokenLifetimes({ accessToken: DUE_TOKEN_LIFETIME_SECONDS });
    const nest = await startApp({ refresh: { proactiveUserRefresh: true, intervalMs: 50 } });
    const jar = await signedIn();
    await eventually(() => calls(emulator, REFRESH) >= 1);
    await redis.stopProcess();
    await sleep(500);
    await unhandled.assertNone();
    await redis.startProcess();

    const again = await eventually(() => signedIn(), REDIS_BACK);
    expect((await browserGet(nest, '/me/name', again)).status).toBe(200);
    expect(jar.get('feishu_session')).not.toBe(again.get('feishu_session'));
  });

  it('should have written no token, refresh token, app secret or cookie value to any log in the flows above', () => {
    expect(watch.secretCount).toBeGreaterThan(5);
    expect(watch.leaks()).toEqual([]);
  });
});
