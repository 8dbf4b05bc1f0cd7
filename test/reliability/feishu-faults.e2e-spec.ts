import type { INestApplication } from '@nestjs/common';
import { FeishuEmulator, type EmulatorFault } from '@feishu-auth/emulator';
import type { FeishuUserTokenRecord } from '@feishu-auth/nestjs';
import { SELF_BUILT } from '../support/core-app.js';
import { login } from '../support/login-app.js';
import type { CookieJar } from '../support/cookie-jar.js';
import { calls } from '../support/emulator-calls.js';
import { eventually, sleep } from '../support/polling.js';
import {
  ATTEMPTS,
  LOGIN_URL,
  TIMEOUT_MS,
  browserGet,
  expectJsonError,
  startReliabilityApp,
  watchedSuite,
} from '../support/reliability-app.js';
import { WatchedTokenStore } from '../support/secret-watch.js';

const REFRESH = 'token.v2.refresh_token';
const TENANT = 'tenant_access_token.internal';
const TENANT_KEY = `tenant:${SELF_BUILT.appId}:internal`;

/** Faults after which a retry may succeed, and what a client gets once the retries are spent. */
const RETRYABLE_REFRESH_FAULTS: [string, EmulatorFault, number][] = [
  ['HTTP 500 (code 20050)', { status: 500 }, 502],
  ['HTTP 503 (code 20072)', { status: 503 }, 503],
  ['Feishu code 20050', { code: 20050 }, 502],
  ['Feishu code 20072', { code: 20072 }, 503],
  ['HTTP 200 with code 20050', { status: 200, code: 20050 }, 502],
  ['a truncated JSON body', { malformedBody: true }, 502],
  ['rate limiting (HTTP 429, code 99991400)', { status: 429 }, 503],
];

/** Tenant token faults: [label, answer, attempts, fault]. The endpoint is idempotent. */
const TENANT_FAULTS: [string, number, number, EmulatorFault][] = [
  ['HTTP 500', 502, ATTEMPTS, { status: 500 }],
  ['HTTP 503', 503, ATTEMPTS, { status: 503 }],
  ['a connection reset', 503, ATTEMPTS, { resetConnection: true }],
  ['an answer slower than the timeout', 504, ATTEMPTS, { delayMs: TIMEOUT_MS * 3 }],
  ['a truncated JSON body', 502, ATTEMPTS, { malformedBody: true }],
  ['rate limiting (HTTP 429)', 503, ATTEMPTS, { status: 429 }],
  ['HTTP 200 with a non-zero code (10014, wrong secret)', 502, 1, { status: 200, code: 10014 }],
];

/** The same faults with the answer second, for titles that name it. */
const RETRYABLE_REFRESH_FAULTS_BY_ANSWER = RETRYABLE_REFRESH_FAULTS.map(
  ([label, fault, status]) => [label, status, fault] as [string, number, EmulatorFault],
);

describe('Feishu faults on the token endpoints (reliability e2e)', () => {
  const { watch, unhandled } = watchedSuite();
  let emulator: FeishuEmulator;
  let now: number;
  let store: WatchedTokenStore;
  let app: INestApplication;
  let jar: CookieJar;
  let openId: string;

  beforeEach(async () => {
    now = Date.now();
    emulator = await FeishuEmulator.start({ port: 0, clock: () => now });
    store = new WatchedTokenStore(watch, () => now);
    app = await startReliabilityApp(emulator, watch, { store, clock: () => now });
    openId = emulator.users[0].openId;
    jar = await login(app, openId);
    watch.remember(jar.get('feishu_session'));
  });

  afterEach(async () => {
    await unhandled.assertNone();
    await app.close();
    await emulator.close();
  });

  async function record(): Promise<FeishuUserTokenRecord> {
    const stored = await store.getUserToken(SELF_BUILT.appId, openId);
    if (stored === undefined) throw new Error('the user has no stored tokens');
    return stored;
  }

  /**
   * Moves the clock so the access token is due and under the 60 s wait floor, so the request waits
   * for the refresh and meets its outcome, while Feishu still accepts the token.
   */
  async function makeDue(): Promise<FeishuUserTokenRecord> {
    const current = await record();
    now = current.accessTokenExpiresAt - 30_000;
    return current;
  }

  async function makeExpired(): Promise<FeishuUserTokenRecord> {
    const current = await record();
    now = current.accessTokenExpiresAt + 1_000;
    return current;
  }

  /** The stored refresh token still works at Feishu: a refresh with it succeeds. */
  async function expectRefreshTokenAlive(): Promise<void> {
    const before = calls(emulator, REFRESH);
    await makeExpired();
    const response = await browserGet(app, '/me/user-token', jar);
    expect(response.status).toBe(200);
    expect(calls(emulator, REFRESH)).toBe(before + 1);
  }

  describe('user token refresh', () => {
    it.each(RETRYABLE_REFRESH_FAULTS)(
      'should retry a refresh that met %s once, store the rotated refresh token and answer 200',
      async (_label, fault) => {
        const before = await makeExpired();
        emulator.failNext({ endpoint: REFRESH, ...fault, times: 1 });

        const response = await browserGet(app, '/me/user-token', jar);

        expect(response.status).toBe(200);
        expect(calls(emulator, REFRESH)).toBe(2);
        expect((await record()).refreshToken).not.toBe(before.refreshToken);
        await expectRefreshTokenAlive();
      },
    );

    it.each(RETRYABLE_REFRESH_FAULTS_BY_ANSWER)(
      'should give up on a refresh that keeps meeting %s after exactly 3 attempts with %i, keeping the refresh token',
      async (_label, status, fault) => {
        const before = await makeExpired();
        emulator.failNext({ endpoint: REFRESH, ...fault, times: ATTEMPTS });

        const response = await browserGet(app, '/me/user-token', jar);

        expectJsonError(response, status);
        expect(calls(emulator, REFRESH)).toBe(ATTEMPTS);
        expect(await record()).toEqual(before);
        await expectRefreshTokenAlive();
      },
    );

    it.each(RETRYABLE_REFRESH_FAULTS)(
      'should keep serving the still-valid access token while every refresh meets %s',
      async (_label, fault) => {
        const before = await makeDue();
        emulator.failNext({ endpoint: REFRESH, ...fault, times: ATTEMPTS });

        const response = await browserGet(app, '/me/user-token', jar);

        expect(response.status).toBe(200);
        expect(response.body).toEqual({ length: before.accessToken.length });
        expect(calls(emulator, REFRESH)).toBe(ATTEMPTS);
        expect(await record()).toEqual(before);
        await expectRefreshTokenAlive();
      },
    );

    it('should not retry a refresh whose connection was reset, answer 503 and keep the refresh token', async () => {
      const before = await makeExpired();
      emulator.failNext({ endpoint: REFRESH, resetConnection: true });

      const response = await browserGet(app, '/me/user-token', jar);

      expectJsonError(response, 503);
      expect(calls(emulator, REFRESH)).toBe(1);
      expect(await record()).toEqual(before);
      await expectRefreshTokenAlive();
    });

    it('should answer 401 with the login URL and end the session when a refresh gets HTTP 200 with code 20037', async () => {
      await makeExpired();
      emulator.failNext({ endpoint: REFRESH, status: 200, code: 20037 });

      const response = await browserGet(app, '/me/user-token', jar);

      expectJsonError(response, 401);
      expect(response.body).toMatchObject({ error: 'Unauthorized', loginUrl: LOGIN_URL });
      expect(calls(emulator, REFRESH)).toBe(1);
      await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toBeUndefined();
      expect((await browserGet(app, '/me/name', jar)).status).toBe(401);
    });
  });

  describe('a refresh whose answer never arrives', () => {
    // The emulator rotates the refresh token after the delay, when the library has given up.
    const lostAnswer: EmulatorFault = { endpoint: REFRESH, delayMs: TIMEOUT_MS * 2 };

    async function waitForFeishuToRotate(): Promise<void> {
      await sleep(TIMEOUT_MS * 2 + 300);
    }

    it('should serve the still-valid token, then answer 401 with the login URL at the next refresh, which Feishu refuses', async () => {
      const before = await makeDue();
      emulator.failNext(lostAnswer);

      const first = await browserGet(app, '/me/user-token', jar);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ length: before.accessToken.length });
      expect(calls(emulator, REFRESH)).toBe(1);
      expect(await record()).toEqual(before);
      await waitForFeishuToRotate();

      const second = await browserGet(app, '/me/user-token', jar);

      expectJsonError(second, 401);
      expect(second.body).toMatchObject({ loginUrl: LOGIN_URL });
      expect(calls(emulator, REFRESH)).toBe(2);
      await expect(store.getUserToken(SELF_BUILT.appId, openId)).resolves.toBeUndefined();
      const again = await login(app, openId);
      expect((await browserGet(app, '/me/user-token', again)).status).toBe(200);
    });

    it('should answer 504 without retrying when the token had expired, then 401 with the login URL', async () => {
      await makeExpired();
      emulator.failNext(lostAnswer);

      const first = await browserGet(app, '/me/user-token', jar);
      expectJsonError(first, 504);
      expect(calls(emulator, REFRESH)).toBe(1);
      await waitForFeishuToRotate();

      const second = await browserGet(app, '/me/user-token', jar);
      expectJsonError(second, 401);
      expect(second.body).toMatchObject({ loginUrl: LOGIN_URL });
    });
  });

  describe('tenant token', () => {
    it.each(TENANT_FAULTS)(
      'should answer %s on the tenant token endpoint with %i after exactly %i attempts, then serve again',
      async (_label, status, attempts, fault) => {
        const before = calls(emulator, TENANT);
        emulator.failNext({ endpoint: TENANT, ...fault, times: attempts });

        const response = await browserGet(app, '/me', jar);

        expectJsonError(response, status);
        expect(calls(emulator, TENANT)).toBe(before + attempts);
        await sleep(fault.delayMs ?? 0);
        const next = await browserGet(app, '/me', jar);
        expect(next.status).toBe(200);
      },
    );

    it('should keep serving a cached tenant token while its background renewal fails', async () => {
      expect((await browserGet(app, '/me', jar)).status).toBe(200);
      const cached = (await store.getToken(TENANT_KEY))!;
      const before = calls(emulator, TENANT);
      now = cached.expiresAt - 600_000; // inside the 30-minute renewal margin, still valid
      emulator.failNext({ endpoint: TENANT, status: 503, times: ATTEMPTS });

      const response = await browserGet(app, '/me', jar);

      expect(response.status).toBe(200);
      await eventually(() => calls(emulator, TENANT) === before + ATTEMPTS);
      await sleep(20);
      expect(await store.getToken(TENANT_KEY)).toEqual(cached);
      expect((await browserGet(app, '/me', jar)).status).toBe(200);
    });
  });

  it('should have written no token, refresh token, app secret or cookie value to any log in the flows above', () => {
    expect(watch.secretCount).toBeGreaterThan(10);
    // Debug lines are recorded too (the retry messages), so the check covers every level.
    expect(watch.output()).toMatch(/\[debug\] Retrying/);
    expect(watch.leaks()).toEqual([]);
  });
});
