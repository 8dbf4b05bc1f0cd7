import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FeishuEmulator, type EmulatorUser } from '@feishu-auth/emulator';
import type { FeishuUserTokenRecord, RedisTokenStore } from '@feishu-auth/nestjs';
import type { CookieJar } from './support/cookie-jar.js';
import { get, signIn as signInOn, statuses, type Answer } from './support/instance-http.js';
import {
  buildInstanceApp,
  startInstanceApp,
  withInstanceOutput,
  type InstanceApp,
} from './support/instance-app.js';
import { calls } from './support/emulator-calls.js';
import { eventually, sleep } from './support/polling.js';
import { freePort } from './support/processes.helper.js';
import { CLUSTER, SINGLE_NODE, type StoreBackend } from './support/store-backends.js';

/** How long and how often the tests poll for what the instances do in the background. */
const WAIT = { timeoutMs: 15_000, intervalMs: 50 };

/**
 * Four instances of test/fixtures/instance-app (separate Node processes) share one redis-server and
 * one emulator, which runs here so its counters can be read directly.
 */
const INSTANCES = 4;
const APP = { appId: 'cli_emulator_selfbuilt', appSecret: 'emulator-self-built-secret' };
const SESSION_SECRET = 'multi-instance-session-secret-0123456789';
/** The lease outlasts one request (the options refuse less) and the store calls around it. */
const LOCK_LEASE_MS = 4_000;
const HTTP_TIMEOUT_MS = 2_500;
/**
 * Short-lived app and tenant tokens. The library renews one once Feishu surely hands out a new one:
 * less than the margin left by the latest expiry the answer allows (its arrival + `expire`, plus a
 * second of rounding for a token Feishu handed back), plus a safety of 1% of the margin; it serves
 * the cached one meanwhile, as long as more than half the margin is left (docs/token-lifecycle.md).
 * The emulator hands back the same token while a quarter of its lifetime is left.
 */
const APP_TOKEN_LIFETIME_SECONDS = 36;
const APP_TOKEN_MARGIN_SECONDS = 5;
/** The stored token's answer took at most this long to arrive (loopback, under load). */
const ANSWER_ROUND_TRIP_MS = 450;
/**
 * Before expiry, by the stored `expiresAt`: due from here on at the latest (the second of rounding
 * and the 1% safety are the library's; the round trip moves the latest expiry later).
 */
const DUE_BEFORE_EXPIRY_MS =
  APP_TOKEN_MARGIN_SECONDS * 1000 - 1000 - APP_TOKEN_MARGIN_SECONDS * 10 - ANSWER_ROUND_TRIP_MS;
/** ... and the cached token served at once until here (a 1.5 s window for the burst). */
const USABLE_BEFORE_EXPIRY_MS = (APP_TOKEN_MARGIN_SECONDS * 1000) / 2;
/**
 * How much earlier than Feishu's the stored expiry may be: the library counts `expire` from when its
 * request left (at most one timeout before Feishu read the clock), and `expire` is rounded down.
 */
const STORED_EXPIRY_EARLY_BY_MS = HTTP_TIMEOUT_MS + 1000;
const SAME_TOKEN_WHILE_LEFT_MS = (APP_TOKEN_LIFETIME_SECONDS * 1000) / 4;
// A renewal sent once the token is due must get a new token, however early the stored expiry is;
// else it gets the same one back and renews again later, a second call to Feishu.
if (DUE_BEFORE_EXPIRY_MS + STORED_EXPIRY_EARLY_BY_MS >= SAME_TOKEN_WHILE_LEFT_MS) {
  throw new Error("the tenant token margin is too close to the emulator's same-token window");
}
if (USABLE_BEFORE_EXPIRY_MS >= DUE_BEFORE_EXPIRY_MS) {
  throw new Error('a tenant token must be due while it is still served');
}
/**
 * The library's default: a user token is due when less than 5 minutes remain; it is served while
 * one refresh runs in the background unless at most min(60 s, margin / 2) is left.
 */
const USER_TOKEN_MARGIN_MS = 300_000;
const USER_TOKEN_WAIT_FLOOR_MS = 60_000;
const TENANT_TOKEN_KEY = `tenant:${APP.appId}:internal`;
const REFRESH = 'token.v2.refresh_token';
const TENANT = 'tenant_access_token.internal';

let emulator: FeishuEmulator;
let backend: StoreBackend;
let store: RedisTokenStore;
let instances: InstanceApp[] = [];
/** The session of each signed-in user, by open id. */
const jars = new Map<string, CookieJar>();

/** As the instance app labels a token in its answers. */
const fingerprint = (token: string) =>
  createHash('sha256').update(token).digest('hex').slice(0, 12);

/** `count` concurrent requests, spread round-robin over `targets`. */
function burst(count: number, path: string, jar?: CookieJar, targets = instances) {
  return Promise.all(
    Array.from({ length: count }, (_, index) => get(targets[index % targets.length], path, jar)),
  );
}

function distinct(answers: Answer[], field: string): unknown[] {
  return [...new Set(answers.map((answer) => answer.body[field]))];
}

/** Active users of the self-built app's own tenant (the emulator also has others). */
function colleagues(): EmulatorUser[] {
  const [first] = emulator.users;
  return emulator.users.filter(
    (user) => user.tenantKey === first.tenantKey && user.status === 'active',
  );
}

/** The whole login of `user` over HTTP: started on one instance, finished on another. */
function signIn(user: EmulatorUser, startOn = instances[0], finishOn = instances[1]) {
  return signInOn(user, startOn, finishOn);
}

/** `TokenService.status().callerWaits`, summed over the instances. */
async function callerWaits(): Promise<number> {
  const statuses = await Promise.all(instances.map((instance) => get(instance, '/token-status')));
  return statuses.reduce((sum, { body }) => sum + Number(body.callerWaits), 0);
}

async function userRecord(openId: string): Promise<FeishuUserTokenRecord> {
  const record = await store.getUserToken(APP.appId, openId);
  if (!record) throw new Error(`no stored tokens for ${openId}`);
  return record;
}

/** Rewrites the stored access token's expiry, as time passing would (the store is not encrypted). */
async function expireUserToken(openId: string, accessTokenExpiresAt: number): Promise<void> {
  const record = await userRecord(openId);
  await store.setUserToken({ ...record, accessTokenExpiresAt }, 3_600);
}

/** Due (less than the margin left) and comfortably valid: served while refreshed behind. */
const dueSoon = () => Date.now() + USER_TOKEN_MARGIN_MS - 60_000;
/** Still valid for 30 s, under the wait floor: every request waits for the one refresh. */
const aboutToExpire = () => Date.now() + USER_TOKEN_WAIT_FLOOR_MS / 2;

async function killMidRefresh(victim: InstanceApp, openId: string): Promise<Answer | 'no answer'> {
  const pending = get(victim, '/me', jars.get(openId)).catch(() => 'no answer' as const);
  // Counted on arrival, before the emulator's delay: the victim holds the lock and waits on Feishu.
  await eventually(() => calls(emulator, REFRESH) === 1, {
    ...WAIT,
    what: 'the victim to send its refresh',
  });
  expect(await store.acquireLock(`user:${APP.appId}:${openId}`, 1)).toBeUndefined();
  const exited = new Promise((resolve) => victim.process.child.once('exit', resolve));
  victim.process.child.kill('SIGKILL');
  await exited;
  return pending;
}

/**
 * The whole scenario runs on each deployment: one redis-server, and a Redis Cluster (where keys of
 * one user live on one of three masters and the due index is spread over all of them).
 */
describe.each([SINGLE_NODE, CLUSTER])('on $name', (setup) => {
  beforeAll(async () => {
    await buildInstanceApp();
    backend = await setup.start();
    emulator = await FeishuEmulator.start({
      tokenLifetimes: { appToken: APP_TOKEN_LIFETIME_SECONDS },
    });
    store = backend.store;
    const ports = await Promise.all(Array.from({ length: INSTANCES }, () => freePort()));
    // One callback URL for all, as behind a load balancer; the test sends each step to any instance.
    const redirectUri = `http://127.0.0.1:${ports[0]}/auth/feishu/callback`;
    emulator.addRedirectUri(APP.appId, redirectUri);
    instances = await Promise.all(
      ports.map((port, index) =>
        startInstanceApp(`instance-${index + 1}`, {
          PORT: String(port),
          FEISHU_OPEN_URL: emulator.url,
          FEISHU_APP_ID: APP.appId,
          FEISHU_APP_SECRET: APP.appSecret,
          FEISHU_REDIRECT_URI: redirectUri,
          SESSION_SECRET,
          ...backend.env,
          FEISHU_LOCK_LEASE_MS: String(LOCK_LEASE_MS),
          // The lease must outlive one refresh request (the options refuse a timeout as long).
          FEISHU_HTTP_TIMEOUT_MS: String(HTTP_TIMEOUT_MS),
          FEISHU_APP_TOKEN_MARGIN_SECONDS: String(APP_TOKEN_MARGIN_SECONDS),
          // No background renewal during the test: every refresh counted here is one a request caused.
          FEISHU_REFRESH_INTERVAL_MS: String(3_600_000),
        }),
      ),
    );
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled(instances.map((instance) => instance.process.stop()));
    await emulator?.close();
    await backend?.stop();
  });

  describe('four instances sharing Redis and Feishu', () => {
    it('answers 1,000 concurrent cold tenant-token requests on four instances with one fetch from Feishu', () =>
      withInstanceOutput(instances, async () => {
        expect(await store.getToken(TENANT_TOKEN_KEY)).toBeUndefined();
        emulator.resetStats();

        const answers = await burst(1_000, '/tenant-token');

        expect(statuses(answers)).toEqual({ 200: 1_000 });
        expect(distinct(answers, 'tenantToken')).toHaveLength(1);
        expect(distinct(answers, 'instance')).toHaveLength(INSTANCES);
        expect(calls(emulator, TENANT)).toBe(1);
      }));

    it('serves 400 concurrent requests the stored user token while exactly one refresh runs behind them', () =>
      withInstanceOutput(instances, async () => {
        const [, , user] = colleagues();
        const jar = await signIn(user);
        const before = await userRecord(user.openId);
        await expireUserToken(user.openId, dueSoon());
        // Every instance holds the tenant token in memory, so a wait could only be the user token's.
        await burst(INSTANCES, '/tenant-token');
        const waitsBefore = await callerWaits();
        emulator.resetStats();

        const answers = await burst(400, '/me', jar);

        expect(statuses(answers)).toEqual({ 200: 400 });
        // Nobody waited: each answer carries the stored token, or the new one once it landed.
        expect(await callerWaits()).toBe(waitsBefore);
        expect(distinct(answers, 'instance')).toHaveLength(INSTANCES);
        let after = before;
        await eventually(
          async () => {
            after = await userRecord(user.openId);
            return after.accessToken !== before.accessToken;
          },
          { ...WAIT, what: 'the refreshed user token in the store' },
        );
        expect(after.refreshToken).not.toBe(before.refreshToken);
        expect(
          distinct(answers, 'userToken').filter(
            (token) =>
              token !== fingerprint(before.accessToken) && token !== fingerprint(after.accessToken),
          ),
        ).toEqual([]);
        expect(distinct(answers, 'userToken')).toContain(fingerprint(before.accessToken));
        const next = await burst(INSTANCES * 10, '/me', jar);
        expect(distinct(next, 'userToken')).toEqual([fingerprint(after.accessToken)]);
        expect(calls(emulator, REFRESH)).toBe(1);
      }));

    it('serves 400 concurrent requests for a user whose token is about to expire with exactly one refresh', () =>
      withInstanceOutput(instances, async () => {
        const [user] = colleagues();
        const jar = await signIn(user);
        jars.set(user.openId, jar);
        const before = await userRecord(user.openId);
        await expireUserToken(user.openId, aboutToExpire());
        emulator.resetStats();

        const answers = await burst(400, '/me', jar);

        expect(statuses(answers)).toEqual({ 200: 400 });
        expect(calls(emulator, REFRESH)).toBe(1);
        const after = await userRecord(user.openId);
        expect(after.refreshToken).not.toBe(before.refreshToken);
        // Every answer carries the one new token, whichever instance served it.
        expect(distinct(answers, 'userToken')).toHaveLength(1);
        expect(distinct(answers, 'instance')).toHaveLength(INSTANCES);
        expect(distinct(answers, 'openId')).toEqual([user.openId]);
      }));

    it('serves 400 concurrent requests while the tenant token is due with exactly one renewal', () =>
      withInstanceOutput(instances, async () => {
        // Every instance holds the current tenant token in memory.
        await burst(INSTANCES, '/tenant-token');
        const current = await store.getToken(TENANT_TOKEN_KEY);
        if (!current) throw new Error('no stored tenant token');
        if (current.expiresAt - Date.now() <= DUE_BEFORE_EXPIRY_MS) {
          throw new Error(
            'the stored tenant token is already due: the earlier tests took too long',
          );
        }
        // The burst starts once every instance counts the token as due: any request of it renews.
        await sleep(current.expiresAt - DUE_BEFORE_EXPIRY_MS - Date.now());
        emulator.resetStats();

        const answers = await burst(400, '/tenant-token');

        expect(statuses(answers)).toEqual({ 200: 400 });
        // Callers got the still-valid token at once; the renewal runs behind them, and lands before
        // the old token expires (its lock lease is shorter than what the margin leaves).
        let renewed = current;
        await eventually(
          async () => {
            renewed = (await store.getToken(TENANT_TOKEN_KEY)) ?? current;
            return renewed.token !== current.token;
          },
          {
            ...WAIT,
            what: 'the renewed tenant token in the store',
            timeoutMs: Math.max(0, current.expiresAt - Date.now()) + LOCK_LEASE_MS,
          },
        );
        expect(calls(emulator, TENANT)).toBe(1);
        // The other instances take the renewed token from the store, without asking Feishu again.
        const renewedFingerprint = fingerprint(renewed.token);
        let round: Answer[] = [];
        await eventually(
          async () => {
            round = await burst(INSTANCES, '/tenant-token');
            return round.every((answer) => answer.body.tenantToken === renewedFingerprint);
          },
          { ...WAIT, what: 'every instance to serve the renewed tenant token' },
        );
        expect(statuses(round)).toEqual({ 200: INSTANCES });
        expect(calls(emulator, TENANT)).toBe(1);
      }));

    it('keeps a user signed in through 50 expiry cycles, each refreshed exactly once', () =>
      withInstanceOutput(instances, async () => {
        const [, user] = colleagues();
        const jar = await signIn(user);
        emulator.resetStats();
        const unauthorized: number[] = [];
        const refreshesPerCycle: number[] = [];
        const seenTokens = new Set<unknown>();

        for (let cycle = 1; cycle <= 50; cycle++) {
          const refreshesBefore = calls(emulator, REFRESH);
          await expireUserToken(user.openId, aboutToExpire());
          const answers = await burst(40, '/me', jar);
          unauthorized.push(answers.filter((answer) => answer.status === 401).length);
          expect(statuses(answers)).toEqual({ 200: 40 });
          refreshesPerCycle.push(calls(emulator, REFRESH) - refreshesBefore);
          for (const token of distinct(answers, 'userToken')) seenTokens.add(token);
        }

        expect(unauthorized.reduce((sum, count) => sum + count, 0)).toBe(0);
        expect(refreshesPerCycle).toEqual(Array.from({ length: 50 }, () => 1));
        expect(seenTokens.size).toBe(50);
        expect((await get(instances[3], '/me', jar)).status).toBe(200);
      }));

    // A whole cluster going down is the single node's case; a master failing is the failover spec's.
    if (setup === SINGLE_NODE) {
      it('answers 503 while Redis is down, keeps every process alive, and recovers when it is back', () =>
        withInstanceOutput(instances, async () => {
          const [, , user] = colleagues();
          const jar = await signIn(user);
          expect(statuses(await burst(8, '/me', jar))).toEqual({ 200: 8 });

          await backend.outage!.stop();
          let down: Answer[] = [];
          let loginWhileDown: Answer[] = [];
          let aliveWhileDown: boolean[] = [];
          try {
            // Until an instance sees the connection drop, its near cache may still serve what it
            // read within its TTL cap (docs/stores.md); from then on nothing comes from the cache.
            await eventually(
              async () => (await burst(INSTANCES, '/me', jar)).every((a) => a.status === 503),
              { ...WAIT, what: 'every instance to notice that Redis is down' },
            );
            down = await burst(20, '/me', jar);
            loginWhileDown = await burst(INSTANCES, '/auth/feishu/login');
            aliveWhileDown = instances.map((instance) => instance.alive());
          } finally {
            // Restarted even when an expectation failed, so the next tests find Redis up.
            await backend.outage!.start();
          }

          expect(statuses(down)).toEqual({ 503: 20 });
          for (const { body } of down) {
            expect(body).toEqual({
              statusCode: 503,
              error: 'Service Unavailable',
              message: 'The token store is unavailable.',
            });
          }
          // Nothing is stored before the callback: logins start while Redis is down.
          expect(statuses(loginWhileDown)).toEqual({ 302: INSTANCES });
          expect(aliveWhileDown).toEqual([true, true, true, true]);

          // The restarted redis-server starts empty (no persistence): the session is gone, so a plain 401.
          let after: Answer[] = [];
          await eventually(
            async () => {
              after = await burst(INSTANCES, '/me', jar);
              return after.every((answer) => answer.status !== 503);
            },
            { ...WAIT, what: 'every instance to reach Redis again' },
          );
          expect(statuses(after)).toEqual({ 401: INSTANCES });
          expect(after[0].body).toMatchObject({ statusCode: 401, loginUrl: '/auth/feishu/login' });
          const again = await signIn(user, instances[2], instances[3]);
          expect(statuses(await burst(8, '/me', again))).toEqual({ 200: 8 });
          expect(statuses(await burst(INSTANCES, '/tenant-token'))).toEqual({ 200: INSTANCES });
          expect(instances.map((instance) => instance.alive())).toEqual([true, true, true, true]);
        }));
    }
  });

  describe('an instance killed (SIGKILL) while it holds a user refresh lock', () => {
    it('lets the others finish the refresh once the lease has run out, when Feishu never processed the dead one', () =>
      withInstanceOutput(instances, async () => {
        const [, user] = colleagues();
        const victim = instances[3];
        const survivors = instances.slice(0, 3);
        jars.set(user.openId, await signIn(user));
        const before = await userRecord(user.openId);
        await expireUserToken(user.openId, Date.now() - 1_000);
        emulator.resetStats();
        // The victim's refresh hangs at Feishu, then its connection is cut unanswered: never applied.
        emulator.failNext({ endpoint: REFRESH, delayMs: 1_000, resetConnection: true });

        const victimAnswer = await killMidRefresh(victim, user.openId);
        const answers = await burst(30, '/me', jars.get(user.openId), survivors);

        expect(victimAnswer).toBe('no answer');
        expect(statuses(answers)).toEqual({ 200: 30 });
        // One refresh from the dead instance (not applied), one from the survivor that took over.
        expect(calls(emulator, REFRESH)).toBe(2);
        const after = await userRecord(user.openId);
        expect(after.refreshToken).not.toBe(before.refreshToken);
        expect(distinct(answers, 'userToken')).toHaveLength(1);
        expect(survivors.map((instance) => instance.alive())).toEqual([true, true, true]);
      }));

    it("loses exactly that user's refresh token when Feishu rotated it after the holder died: one re-login", () =>
      withInstanceOutput(instances, async () => {
        const [user] = colleagues();
        const victim = instances[2];
        const survivors = instances.slice(0, 2);
        jars.set(user.openId, await signIn(user, survivors[0], survivors[1]));
        await expireUserToken(user.openId, Date.now() - 1_000);
        emulator.resetStats();
        // Feishu receives the victim's refresh, is slow, and applies it after the victim is dead: the
        // new refresh token is sent to a closed socket and the stored one is now retired.
        emulator.failNext({ endpoint: REFRESH, delayMs: 1_000 });

        expect(await killMidRefresh(victim, user.openId)).toBe('no answer');
        const answers = await burst(20, '/me', jars.get(user.openId), survivors);

        // The survivor's refresh with the retired token is refused (20064): the user must sign in again.
        expect(calls(emulator, REFRESH)).toBe(2);
        expect(statuses(answers)).toEqual({ 401: 20 });
        expect(answers[0].body).toMatchObject({ statusCode: 401, loginUrl: '/auth/feishu/login' });
        expect(await store.getUserToken(APP.appId, user.openId)).toBeUndefined();
        // One user lost one refresh token; nothing else is affected, and signing in again works.
        const again = await signIn(user, survivors[0], survivors[1]);
        expect(statuses(await burst(10, '/me', again, survivors))).toEqual({ 200: 10 });
        expect(survivors.map((instance) => instance.alive())).toEqual([true, true]);
      }));
  });
});
