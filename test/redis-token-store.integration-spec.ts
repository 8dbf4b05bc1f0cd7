import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import {
  FeishuConfigError,
  FeishuOAuthClient,
  FeishuStoreUnavailableError,
  RedisTokenStore,
  TokenService,
  type FeishuTokenStore,
} from '@feishu-auth/nestjs';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { Redis } from 'ioredis';
import { describeTokenStoreContract } from '@feishu-auth/nestjs/testing';
import { emulatorOptions, REDIRECT_URI, SELF_BUILT, startCoreApp } from './support/core-app.js';
import { eventually, sleep } from './support/polling.js';
import { RedisServer } from './support/redis-server.js';
import { calls } from './support/emulator-calls.js';

let server: RedisServer;
const opened: RedisTokenStore[] = [];

/** Redis restarts, replicas sync and pending calls land within this on a loaded machine. */
const REDIS_READY = { timeoutMs: 15_000, intervalMs: 100 };

function openStore(keyPrefix = `test:${randomUUID()}:`): RedisTokenStore {
  const store = new RedisTokenStore({ url: server.url, keyPrefix });
  opened.push(store);
  return store;
}

/** Resolves to what `pending` settled with, or to 'no answer' if it takes longer than `ms`. */
async function settleWithin(pending: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve('no answer'), ms)));
  try {
    return await Promise.race([
      pending.then(
        () => 'resolved',
        (error: unknown) => error,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function userRecord(openId: string) {
  const now = Date.now();
  return {
    appId: 'cli_a',
    openId,
    tenantKey: 'tk',
    accessToken: `a-${openId}`,
    accessTokenExpiresAt: now + 60_000,
    refreshToken: `r-${openId}`,
    issuer: 'v2' as const,
    updatedAt: now,
  };
}

/** Every method once, with the arguments a real caller would pass. */
function everyMethod(store: FeishuTokenStore): [string, () => Promise<unknown>][] {
  const now = Date.now();
  const record = {
    appId: SELF_BUILT.appId,
    openId: 'ou_1',
    tenantKey: 'tk',
    accessToken: 'a',
    accessTokenExpiresAt: now + 1,
    issuer: 'v2' as const,
    updatedAt: now,
  };
  const profile = { openId: 'ou_1', unionId: 'on_1', tenantKey: 'tk', name: 'A' };
  return [
    ['getToken', () => store.getToken('app:a')],
    ['setToken', () => store.setToken('app:a', { token: 't', expiresAt: now + 60_000 })],
    ['deleteToken', () => store.deleteToken('app:a', 't')],
    ['getAppTicket', () => store.getAppTicket('cli_a')],
    ['setAppTicket', () => store.setAppTicket('cli_a', 'ticket', Date.now())],
    ['getUserToken', () => store.getUserToken(SELF_BUILT.appId, 'ou_1')],
    ['setUserToken', () => store.setUserToken(record, 60)],
    ['deleteUserToken', () => store.deleteUserToken(SELF_BUILT.appId, 'ou_1')],
    ['getSession', () => store.getSession('s')],
    [
      'setSession',
      () =>
        store.setSession(
          { id: 's', openId: 'ou_1', profile, createdAt: now, expiresAt: now + 1 },
          60,
        ),
    ],
    ['deleteSession', () => store.deleteSession('s')],
    ['acquireLock', () => store.acquireLock('lock', 1000)],
    ['releaseLock', () => store.releaseLock('lock', 'owner')],
    ['scheduleRefresh', () => store.scheduleRefresh('user:ou_1', now)],
    ['unscheduleRefresh', () => store.unscheduleRefresh('user:ou_1')],
    ['getDue', () => store.getDue(now, 10)],
  ];
}

beforeAll(async () => {
  server = await RedisServer.start();
});

afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

afterAll(async () => {
  await server?.stop();
});

describeTokenStoreContract('RedisTokenStore', () => {
  const keyPrefix = `test:${randomUUID()}:`;
  return {
    store: new RedisTokenStore({ url: server.url, keyPrefix }),
    now: () => Date.now(),
    advance: sleep,
    peer: () => new RedisTokenStore({ url: server.url, keyPrefix }),
  };
});

describe('RedisTokenStore', () => {
  describe('against a running Redis', () => {
    let admin: Redis;

    beforeAll(() => {
      admin = new Redis(server.url);
    });

    afterAll(async () => {
      await admin.quit();
    });

    it('should keep every key under keyPrefix, each record with a TTL matching its life', async () => {
      const store = openStore('app1:');
      const now = Date.now();
      await store.setUserToken(
        {
          appId: 'cli_a',
          openId: 'ou_1',
          tenantKey: 'tk',
          accessToken: 'a',
          accessTokenExpiresAt: now,
          issuer: 'v2',
          updatedAt: now,
        },
        3600,
      );
      await store.setSession(
        {
          id: 's1',
          openId: 'ou_1',
          profile: { openId: 'ou_1', unionId: 'u', tenantKey: 'tk', name: 'A' },
          createdAt: now,
          expiresAt: now,
        },
        600,
      );
      await store.setToken('tenant:cli:tk', { token: 't', expiresAt: now + 7_200_000 });
      await store.acquireLock('refresh:ou_1', 15_000);
      await store.scheduleRefresh('user:ou_1', now);
      await store.setAppTicket('cli', 'ticket', Date.now());

      expect((await admin.keys('app1:*')).sort()).toEqual([
        'app1:due',
        'app1:lock:refresh:ou_1',
        'app1:session:s1',
        'app1:ticket:cli',
        'app1:token:tenant:cli:tk',
        'app1:user:cli_a:ou_1',
      ]);
      const ttl = async (key: string) => admin.pttl(key);
      expect(await ttl('app1:user:cli_a:ou_1')).toBeGreaterThan(3_500_000);
      expect(await ttl('app1:user:cli_a:ou_1')).toBeLessThanOrEqual(3_600_000);
      expect(await ttl('app1:session:s1')).toBeGreaterThan(500_000);
      expect(await ttl('app1:session:s1')).toBeLessThanOrEqual(600_000);
      expect(await ttl('app1:token:tenant:cli:tk')).toBeGreaterThan(7_000_000);
      expect(await ttl('app1:token:tenant:cli:tk')).toBeLessThanOrEqual(7_200_000);
      expect(await ttl('app1:lock:refresh:ou_1')).toBeLessThanOrEqual(15_000);
      expect(await ttl('app1:lock:refresh:ou_1')).toBeGreaterThan(0);
    });

    it("should hold a user's refresh lock at <prefix>lock:user:<appId>:<openId>, under one lock: prefix", async () => {
      const emulator = await FeishuEmulator.start();
      const store = openStore('locks:');
      const { app } = await startCoreApp(
        emulatorOptions(emulator, { store, refresh: { proactiveUserRefresh: false } }),
      );
      try {
        const openId = emulator.users[0]!.openId;
        emulator.setTokenLifetimes({ accessToken: 60 }); // under the 300 s margin: due at once
        const oauth = app.get(FeishuOAuthClient);
        const code = emulator.issueAuthorizationCode({
          appId: SELF_BUILT.appId,
          openId,
          scopes: ['offline_access'],
          redirectUri: REDIRECT_URI,
        });
        await app
          .get(TokenService)
          .saveUserTokens({ openId, tenantKey: 'tenant' }, await oauth.exchangeCode({ code }));
        emulator.failNext({ endpoint: 'token.v2.refresh_token', delayMs: 1_000 });
        const lockKey = `locks:lock:user:${SELF_BUILT.appId}:${openId}`;

        const pending = app.get(TokenService).getUserAccessToken(openId);
        await eventually(async () => {
          if (emulator.stats()['token.v2.refresh_token'] !== 1) throw new Error('not sent yet');
        }, REDIS_READY);

        expect(await admin.exists(lockKey)).toBe(1);
        expect(await admin.keys('locks:lock:lock:*')).toEqual([]);
        await pending;
        expect(await admin.exists(lockKey)).toBe(0);
      } finally {
        await app.close();
        await emulator.close();
      }
    });

    it('should never scan the keyspace: no KEYS or SCAN among the commands it sends', async () => {
      const store = openStore();
      await store.getDue(0, 1); // connected before the counters are reset
      await admin.config('RESETSTAT');

      for (const [, call] of everyMethod(store)) await call();
      await store.deleteToken('app:a');

      const stats = await admin.info('commandstats');
      expect(stats).toMatch(/cmdstat_zrangebyscore:calls=1,/);
      expect(stats).not.toMatch(/cmdstat_(keys|scan):/);
    });

    it("should send no WAIT for a user's tokens to a Redis without replicas, and at most one ROLE a second", async () => {
      const store = openStore();
      await store.getDue(0, 1); // connected before the counters are reset
      await admin.config('RESETSTAT');

      for (let index = 0; index < 20; index++) {
        expect(await store.setUserToken(userRecord(`ou_${index}`), 60)).toBeUndefined();
      }

      const stats = await admin.info('commandstats');
      expect(stats).not.toMatch(/cmdstat_wait:/);
      expect(stats).toMatch(/cmdstat_set:calls=20,/);
      expect(stats).toMatch(/cmdstat_role:calls=1,/);
    });

    it("should confirm a user's tokens on the replica of a primary (as under Sentinel) with WAIT 1", async () => {
      await admin.config('SET', 'repl-diskless-sync-delay', '0'); // sync at once
      const replica = await RedisServer.start(['--replicaof', '127.0.0.1', String(server.port)]);
      const replicaAdmin = new Redis(replica.url);
      try {
        const store = openStore('primary:');
        await eventually(async () => {
          const info = await admin.info('replication');
          if (!/^slave0:.*state=online/m.test(info))
            throw new Error('the replica is not online yet');
        }, REDIS_READY);
        await admin.config('RESETSTAT');
        const written = userRecord('ou_1');

        expect(await store.setUserToken(written, 60)).toEqual({ replicated: true });
        expect(await replicaAdmin.get('primary:user:cli_a:ou_1')).toBe(JSON.stringify(written));
        expect(await admin.info('commandstats')).toMatch(/cmdstat_wait:calls=1,/);
      } finally {
        replicaAdmin.disconnect();
        await replica.stop();
      }
    });

    it('should run its compare-and-delete scripts again after Redis lost them (NOSCRIPT)', async () => {
      const store = openStore();
      const owner = await store.acquireLock('refresh:ou_1', 10_000);
      await admin.script('FLUSH');

      await store.releaseLock('refresh:ou_1', owner!);

      expect(await store.acquireLock('refresh:ou_1', 10_000)).toBeDefined();
    });

    it('should use a client it was given, and leave it open on close', async () => {
      const client = new Redis(server.url);
      const store = new RedisTokenStore({ client, keyPrefix: `test:${randomUUID()}:` });
      await store.setAppTicket('cli_a', 'ticket', Date.now());

      await store.close();

      expect(await store.getAppTicket('cli_a')).toBe('ticket');
      expect(client.status).toBe('ready');
      await client.quit();
    });

    it('should quit the client it created from url on close', async () => {
      const store = new RedisTokenStore({ url: server.url });
      await store.getAppTicket('cli_a');

      await store.close();

      await expect(store.getAppTicket('cli_a')).rejects.toBeInstanceOf(FeishuStoreUnavailableError);
    });

    it.each([
      ['it created from url', (): { url?: string; client?: Redis } => ({ url: server.url })],
      ['it was given without a commandTimeout', () => ({ client: new Redis(server.url) })],
    ])(
      'should give up with FeishuStoreUnavailableError when Redis stops answering, on a client %s',
      async (_label, connection) => {
        const options = connection();
        const store = new RedisTokenStore({ ...options, keyPrefix: 'p:', commandTimeoutMs: 200 });
        await store.getAppTicket('cli_a');
        // Redis holds every command for a second: connected, but silent.
        await admin.client('PAUSE', 1000, 'ALL');

        const outcome = await settleWithin(store.getAppTicket('cli_a'), 10_000);

        expect(outcome).toBeInstanceOf(FeishuStoreUnavailableError);
        await sleep(1100);
        await store.close();
        await options.client?.quit();
      },
    );

    it.each([
      ['session', (store: RedisTokenStore, id: string) => store.getSession(id)],
      ['token', (store: RedisTokenStore, id: string) => store.getToken(id)],
    ] as const)(
      'should log a corrupt %s value by its kind and a short hash, never the id in its key',
      async (kind, read) => {
        const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
        try {
          const store = openStore('corrupt:');
          const id = randomUUID();
          await admin.set(`corrupt:${kind}:${id}`, '{not json', 'PX', 60_000);

          expect(await read(store, id)).toBeUndefined();

          const logged = warn.mock.calls.map((call) => String(call[0])).join('\n');
          expect(logged).toMatch(/not valid JSON \(key hash [0-9a-f]{6}\)/);
          expect(logged).not.toContain(id);
          expect(logged).not.toContain(id.slice(0, 8));
        } finally {
          warn.mockRestore();
        }
      },
    );

    it('should read a value another program corrupted as absent rather than crash', async () => {
      const store = openStore('corrupt:');
      await admin.set('corrupt:user:ou_1', '{not json', 'PX', 60_000);

      expect(await store.getUserToken(SELF_BUILT.appId, 'ou_1')).toBeUndefined();
    });
  });

  it.each([
    ['neither url nor client', {}],
    ['both url and client', { url: 'redis://127.0.0.1:1', client: {} as Redis }],
    [
      'a replicaAckTimeoutMs not below commandTimeoutMs',
      { url: 'redis://127.0.0.1:1', commandTimeoutMs: 1000, replicaAckTimeoutMs: 1000 },
    ],
  ])('should refuse %s with a FeishuConfigError', (_label, options) => {
    expect(() => new RedisTokenStore(options)).toThrow(FeishuConfigError);
  });

  describe('when Redis goes down', () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);

    beforeAll(() => {
      process.on('unhandledRejection', onUnhandled);
      process.on('uncaughtException', onUnhandled);
    });

    afterAll(async () => {
      process.off('unhandledRejection', onUnhandled);
      process.off('uncaughtException', onUnhandled);
      await server.startProcess();
    });

    it('should reject every method with FeishuStoreUnavailableError within a bounded time, then work again once Redis is back', async () => {
      const store = openStore();
      await store.setAppTicket('cli_a', 'before-outage', Date.now());

      await server.stopProcess();

      for (const [name, call] of everyMethod(store)) {
        const outcome = await settleWithin(call(), 10_000);
        expect([name, outcome]).toEqual([name, expect.any(FeishuStoreUnavailableError)]);
      }

      await server.startProcess();

      expect(await eventually(() => store.getAppTicket('cli_a'), REDIS_READY)).toBeUndefined(); // no persistence
      await store.setAppTicket('cli_a', 'after-outage', Date.now());
      expect(await store.getAppTicket('cli_a')).toBe('after-outage');
      const owner = await store.acquireLock('refresh:ou_1', 10_000);
      await store.releaseLock('refresh:ou_1', owner!);
      expect(await store.acquireLock('refresh:ou_1', 10_000)).toBeDefined();
      expect(unhandled).toEqual([]);
    });

    it("should keep serving an instance's in-memory tenant token while Redis is down, and 503 whatever needs the store", async () => {
      const emulator = await FeishuEmulator.start();
      const options = emulatorOptions(emulator, { refresh: { proactiveUserRefresh: false } });
      const warm = await startCoreApp({ ...options, store: openStore('outage:') });
      const cold = await startCoreApp({ ...options, store: openStore('outage:') });
      try {
        const openId = emulator.users[0]!.openId;
        const code = emulator.issueAuthorizationCode({
          appId: SELF_BUILT.appId,
          openId,
          scopes: ['offline_access'],
          redirectUri: REDIRECT_URI,
        });
        const oauth = warm.app.get(FeishuOAuthClient);
        await warm.app
          .get(TokenService)
          .saveUserTokens({ openId, tenantKey: 'tenant' }, await oauth.exchangeCode({ code }));
        const tenantToken = await warm.app.get(TokenService).getTenantAccessToken();
        emulator.resetStats();

        await server.stopProcess();

        await expect(warm.app.get(TokenService).getTenantAccessToken()).resolves.toBe(tenantToken);
        expect(calls(emulator, 'tenant_access_token.internal')).toBe(0);
        await expect(warm.app.get(TokenService).getUserAccessToken(openId)).rejects.toBeInstanceOf(
          FeishuStoreUnavailableError,
        );
        await expect(cold.app.get(TokenService).getTenantAccessToken()).rejects.toBeInstanceOf(
          FeishuStoreUnavailableError,
        );
        expect(unhandled).toEqual([]);
      } finally {
        await server.startProcess();
        await warm.app.close();
        await cold.app.close();
        await emulator.close();
      }
    });

    it('should reject with FeishuStoreUnavailableError when Redis is down from the start, and connect once it is up', async () => {
      await server.stopProcess();
      const store = openStore();

      const outcome = await settleWithin(store.getSession('s1'), 10_000);
      expect(outcome).toBeInstanceOf(FeishuStoreUnavailableError);
      expect((outcome as Error).message).not.toContain('undefined');

      await server.startProcess();

      expect(await eventually(() => store.getSession('s1'), REDIS_READY)).toBeUndefined();
      expect(unhandled).toEqual([]);
    });
  });
});
