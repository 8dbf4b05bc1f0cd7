import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type {
  FeishuSessionRecord,
  FeishuTokenStore,
  FeishuUserTokenRecord,
} from '../interfaces/feishu-token-store.interface.js';

/** The app holding the user records these tests write. */
const APP_ID = 'cli_store_test';

/**
 * One store under test, fresh for each test (an empty store, or an isolated key prefix).
 */
export interface TokenStoreHarness {
  store: FeishuTokenStore;
  /** The time the store reads, in epoch ms. */
  now(): number;
  /** Moves the store's time forward: an injected clock moves, a real backend is waited out. */
  advance(ms: number): Promise<void>;
  /** Another store over the same backend, as a second app instance would have one. */
  peer?(): FeishuTokenStore;
  /** Frees what the harness opened (stores, connections); `store.close` is called by the suite. */
  dispose?(): Promise<void>;
}

/** What the store under test can be asked beyond the contract itself. */
export interface TokenStoreContractOptions {
  /**
   * `advance` moves the store's time exactly (an injected clock): adds tests of the last
   * millisecond of a TTL, which a real backend's clock cannot be held to.
   */
  exactClock?: boolean;
}

/**
 * Declares jest tests proving every rule of the `FeishuTokenStore` doc comment for the store that
 * `factory` builds. Use it for your own store:
 *
 * ```ts
 * describeTokenStoreContract('PostgresTokenStore', async () => ({
 *   store: new PostgresTokenStore(pool, { schema: randomSchema() }),
 *   now: () => Date.now(),
 *   advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
 * }));
 * ```
 */
export function describeTokenStoreContract(
  name: string,
  factory: () => TokenStoreHarness | Promise<TokenStoreHarness>,
  options: TokenStoreContractOptions = {},
): void {
  const itWithExactClock = options.exactClock ? it : () => undefined;

  describe(`${name} (FeishuTokenStore contract)`, () => {
    let harness: TokenStoreHarness;
    let store: FeishuTokenStore;
    const peers: FeishuTokenStore[] = [];

    const peer = (): FeishuTokenStore => {
      const other = harness.peer ? harness.peer() : store;
      if (other !== store) peers.push(other);
      return other;
    };

    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
    });

    afterEach(async () => {
      for (const other of peers.splice(0)) await other.close?.();
      await store.close?.();
      await harness.dispose?.();
    });

    describe('app and tenant tokens', () => {
      it('should return a token as it was written, and nothing for an unknown key', async () => {
        const value = { token: 't-' + randomToken(32), expiresAt: harness.now() + 7_200_000 };
        await store.setToken('tenant:cli_a:tk1', value);

        expect(await store.getToken('tenant:cli_a:tk1')).toEqual(value);
        expect(await store.getToken('tenant:cli_a:tk2')).toBeUndefined();
      });

      it('should replace a token when it is written again', async () => {
        await store.setToken('app:cli_a', { token: 'first', expiresAt: harness.now() + 7_200_000 });
        const second = { token: 'second', expiresAt: harness.now() + 7_300_000 };
        await store.setToken('app:cli_a', second);

        expect(await store.getToken('app:cli_a')).toEqual(second);
      });

      it('should round-trip a 2 KB token unchanged', async () => {
        const value = { token: randomToken(2048), expiresAt: harness.now() + 7_200_000 };
        await store.setToken('app:cli_big', value);

        expect(await store.getToken('app:cli_big')).toEqual(value);
      });

      it('should stop returning a token once its expiresAt has passed', async () => {
        await store.setToken('app:cli_a', { token: 'short', expiresAt: harness.now() + 1000 });
        expect(await store.getToken('app:cli_a')).toBeDefined();

        await harness.advance(1100);

        expect(await eventually(() => store.getToken('app:cli_a'), isUndefined)).toBeUndefined();
      });

      itWithExactClock(
        'should keep a token until the last millisecond before its expiresAt',
        async () => {
          await store.setToken('app:cli_a', { token: 'edge', expiresAt: harness.now() + 1000 });

          await harness.advance(999);
          expect(await store.getToken('app:cli_a')).toBeDefined();
          await harness.advance(2);
          expect(await store.getToken('app:cli_a')).toBeUndefined();
        },
      );

      it('should not keep a token whose expiresAt has already passed', async () => {
        await store.setToken('app:cli_a', { token: 'live', expiresAt: harness.now() + 60_000 });
        await store.setToken('app:cli_a', { token: 'dead', expiresAt: harness.now() - 1 });

        expect(await store.getToken('app:cli_a')).toBeUndefined();
      });

      it('should delete a token unconditionally when no onlyIfToken is given', async () => {
        await store.setToken('app:cli_a', { token: 'one', expiresAt: harness.now() + 60_000 });
        await store.deleteToken('app:cli_a');

        expect(await store.getToken('app:cli_a')).toBeUndefined();
      });

      it('should delete a token only if it is still the one named by onlyIfToken', async () => {
        const current = {
          token: 'current-' + randomToken(2048),
          expiresAt: harness.now() + 60_000,
        };
        await store.setToken('tenant:cli_a:tk1', current);

        await store.deleteToken('tenant:cli_a:tk1', 'an-older-token');
        expect(await store.getToken('tenant:cli_a:tk1')).toEqual(current);

        await store.deleteToken('tenant:cli_a:tk1', current.token);
        expect(await store.getToken('tenant:cli_a:tk1')).toBeUndefined();
      });

      it('should do nothing when deleting a token that is not stored', async () => {
        await expect(store.deleteToken('app:none', 'whatever')).resolves.toBeUndefined();
        await expect(store.deleteToken('app:none')).resolves.toBeUndefined();
      });
    });

    describe('app tickets', () => {
      it('should return the latest app_ticket of each app', async () => {
        const t0 = harness.now();
        expect(await store.getAppTicket('cli_a')).toBeUndefined();
        await store.setAppTicket('cli_a', 'ticket-1', t0);
        await store.setAppTicket('cli_b', 'ticket-b', t0);
        await store.setAppTicket('cli_a', 'ticket-2', t0 + 3_600_000);

        expect(await store.getAppTicket('cli_a')).toBe('ticket-2');
        expect(await store.getAppTicket('cli_b')).toBe('ticket-b');
      });

      it('should let another instance read the app_ticket one instance received', async () => {
        await store.setAppTicket('cli_a', 'pushed-to-instance-1', harness.now());

        expect(await peer().getAppTicket('cli_a')).toBe('pushed-to-instance-1');
      });

      it('should never let an app_ticket issued earlier replace one issued later', async () => {
        const t0 = harness.now();
        expect(await store.setAppTicket('cli_a', 'newer', t0 + 1000)).toBe(true);

        expect(await peer().setAppTicket('cli_a', 'older', t0)).toBe(false);
        expect(await store.getAppTicket('cli_a')).toBe('newer');
        expect(await store.setAppTicket('cli_a', 'same-time', t0 + 1000)).toBe(true);
        expect(await store.getAppTicket('cli_a')).toBe('same-time');
      });

      it('should keep the latest of many app_tickets written concurrently by several instances', async () => {
        const t0 = harness.now();
        const times = Array.from({ length: 20 }, (_, index) => t0 + ((index * 7) % 20) * 1000);
        await Promise.all(
          times.map((at, index) =>
            (index % 2 === 0 ? store : peer()).setAppTicket('cli_a', `ticket-${at}`, at),
          ),
        );

        expect(await store.getAppTicket('cli_a')).toBe(`ticket-${t0 + 19_000}`);
      });
    });

    describe('handled events', () => {
      it('should claim an event id once, then refuse it on every instance', async () => {
        expect(await store.claimEvent('cli_a:ev-1', 3600)).toBe(true);

        expect(await store.claimEvent('cli_a:ev-1', 3600)).toBe(false);
        expect(await peer().claimEvent('cli_a:ev-1', 3600)).toBe(false);
        expect(await store.claimEvent('cli_a:ev-2', 3600)).toBe(true);
      });

      it('should give an event id to exactly one of many concurrent claims across instances', async () => {
        const claims = await Promise.all(
          Array.from({ length: 10 }, (_, index) =>
            (index % 2 === 0 ? store : peer()).claimEvent('cli_a:ev-race', 3600),
          ),
        );

        expect(claims.filter(Boolean)).toHaveLength(1);
      });

      it('should forget a claimed event id once its TTL has passed', async () => {
        expect(await store.claimEvent('cli_a:ev-short', 1)).toBe(true);

        await harness.advance(1100);

        expect(
          await eventually(
            () => store.claimEvent('cli_a:ev-short', 1),
            (claimed) => claimed,
          ),
        ).toBe(true);
      });

      it('should keep event ids apart from locks and tokens with the same name', async () => {
        await store.acquireLock('cli_a:ev-3', 60_000);
        await store.setToken('cli_a:ev-3', { token: 't', expiresAt: harness.now() + 60_000 });

        expect(await store.claimEvent('cli_a:ev-3', 3600)).toBe(true);
      });
    });

    describe('user token records', () => {
      it('should return a record as it was written', async () => {
        const record = userRecord(harness.now(), 'ou_1');
        await store.setUserToken(record, 3600);

        expect(await store.getUserToken(APP_ID, 'ou_1')).toEqual(record);
        expect(await store.getUserToken(APP_ID, 'ou_2')).toBeUndefined();
      });

      it('should keep optional fields absent when a record has no refresh token', async () => {
        const {
          refreshToken: _r,
          refreshTokenExpiresAt: _e,
          scope: _s,
          ...record
        } = userRecord(harness.now(), 'ou_1');
        await store.setUserToken(record, 3600);

        const stored = await store.getUserToken(APP_ID, 'ou_1');
        expect(stored).toEqual(record);
        expect(stored && 'refreshToken' in stored && stored.refreshToken !== undefined).toBe(false);
      });

      it('should round-trip 2 KB access and refresh tokens unchanged', async () => {
        const record = {
          ...userRecord(harness.now(), 'ou_big'),
          accessToken: randomToken(2048),
          refreshToken: randomToken(2048),
        };
        await store.setUserToken(record, 3600);

        expect(await store.getUserToken(APP_ID, 'ou_big')).toEqual(record);
      });

      it('should replace a record when it is written again', async () => {
        await store.setUserToken(userRecord(harness.now(), 'ou_1'), 3600);
        const rotated = {
          ...userRecord(harness.now(), 'ou_1'),
          refreshToken: 'rotated',
          updatedAt: harness.now() + 1,
        };
        await store.setUserToken(rotated, 3600);

        expect(await store.getUserToken(APP_ID, 'ou_1')).toEqual(rotated);
      });

      it('should not let a caller change what is stored by mutating an object it wrote or read', async () => {
        const record = userRecord(harness.now(), 'ou_1');
        const written = { ...record };
        await store.setUserToken(written, 3600);
        written.accessToken = 'mutated-after-write';

        const read = await store.getUserToken(APP_ID, 'ou_1');
        read!.refreshToken = 'mutated-after-read';

        expect(await store.getUserToken(APP_ID, 'ou_1')).toEqual(record);
      });

      it('should stop returning a record once its TTL has passed', async () => {
        await store.setUserToken(userRecord(harness.now(), 'ou_1'), 1);
        expect(await store.getUserToken(APP_ID, 'ou_1')).toBeDefined();

        await harness.advance(1100);

        expect(
          await eventually(() => store.getUserToken(APP_ID, 'ou_1'), isUndefined),
        ).toBeUndefined();
      });

      itWithExactClock('should keep a record until the last millisecond of its TTL', async () => {
        await store.setUserToken(userRecord(harness.now(), 'ou_1'), 10);

        await harness.advance(9_999);
        expect(await store.getUserToken(APP_ID, 'ou_1')).toBeDefined();
        await harness.advance(2);
        expect(await store.getUserToken(APP_ID, 'ou_1')).toBeUndefined();
      });

      it('should not keep a record written with no TTL left', async () => {
        await store.setUserToken(userRecord(harness.now(), 'ou_1'), 3600);
        await store.setUserToken(userRecord(harness.now(), 'ou_1'), 0);

        expect(await store.getUserToken(APP_ID, 'ou_1')).toBeUndefined();
      });

      it('should delete one user record and leave the others', async () => {
        await store.setUserToken(userRecord(harness.now(), 'ou_1'), 3600);
        await store.setUserToken(userRecord(harness.now(), 'ou_2'), 3600);

        await store.deleteUserToken(APP_ID, 'ou_1');

        expect(await store.getUserToken(APP_ID, 'ou_1')).toBeUndefined();
        expect(await store.getUserToken(APP_ID, 'ou_2')).toBeDefined();
      });

      it('should keep the records of two apps with the same open_id apart', async () => {
        const ours = userRecord(harness.now(), 'ou_1');
        const theirs = { ...userRecord(harness.now(), 'ou_1'), appId: 'cli_other_app' };
        await store.setUserToken(ours, 3600);
        await store.setUserToken(theirs, 3600);

        expect(await store.getUserToken(APP_ID, 'ou_1')).toEqual(ours);
        expect(await peer().getUserToken('cli_other_app', 'ou_1')).toEqual(theirs);
        await store.deleteUserToken('cli_other_app', 'ou_1');
        expect(await store.getUserToken(APP_ID, 'ou_1')).toEqual(ours);
        expect(await store.getUserToken('cli_other_app', 'ou_1')).toBeUndefined();
        expect(await store.getUserToken('cli_third_app', 'ou_1')).toBeUndefined();
      });

      it('should keep user records apart from tokens and sessions with the same id', async () => {
        await store.setUserToken(userRecord(harness.now(), 'same'), 3600);
        await store.setToken('same', { token: 'app', expiresAt: harness.now() + 60_000 });
        await store.setSession(sessionRecord(harness.now(), 'same', 'ou_x'), 3600);

        expect((await store.getUserToken(APP_ID, 'same'))?.openId).toBe('same');
        expect((await store.getToken('same'))?.token).toBe('app');
        expect((await store.getSession('same'))?.openId).toBe('ou_x');
      });
    });

    describe('sessions', () => {
      it('should return a session with its profile as it was written', async () => {
        const session = sessionRecord(harness.now(), 'sid-1', 'ou_1');
        await store.setSession(session, 3600);

        expect(await store.getSession('sid-1')).toEqual(session);
        expect(await store.getSession('sid-2')).toBeUndefined();
      });

      it("should not let a caller change a stored session's profile by mutating one it wrote or read", async () => {
        const session = sessionRecord(harness.now(), 'sid-1', 'ou_1');
        const written = { ...session, profile: { ...session.profile } };
        await store.setSession(written, 3600);
        written.profile.name = 'mutated-after-write';

        const read = await store.getSession('sid-1');
        read!.profile.name = 'mutated-after-read';

        expect(await store.getSession('sid-1')).toEqual(session);
      });

      it('should let another instance read a session one instance wrote', async () => {
        const session = sessionRecord(harness.now(), 'sid-1', 'ou_1');
        await store.setSession(session, 3600);

        expect(await peer().getSession('sid-1')).toEqual(session);
      });

      it('should stop returning a session once its TTL has passed', async () => {
        await store.setSession(sessionRecord(harness.now(), 'sid-1', 'ou_1'), 1);
        expect(await store.getSession('sid-1')).toBeDefined();

        await harness.advance(1100);

        expect(await eventually(() => store.getSession('sid-1'), isUndefined)).toBeUndefined();
      });

      it('should delete a session', async () => {
        await store.setSession(sessionRecord(harness.now(), 'sid-1', 'ou_1'), 3600);
        await store.deleteSession('sid-1');

        expect(await store.getSession('sid-1')).toBeUndefined();
      });
    });

    describe('locks', () => {
      it('should give the lock to one owner and refuse it to others while it is held', async () => {
        const owner = await store.acquireLock('refresh:ou_1', 10_000);

        expect(typeof owner).toBe('string');
        expect(await store.acquireLock('refresh:ou_1', 10_000)).toBeUndefined();
        expect(await peer().acquireLock('refresh:ou_1', 10_000)).toBeUndefined();
      });

      it('should give the lock to exactly one of many concurrent acquirers across instances', async () => {
        const other = peer();

        const owners = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            (index % 2 ? other : store).acquireLock('refresh:ou_1', 10_000),
          ),
        );

        expect(owners.filter((owner) => owner !== undefined)).toHaveLength(1);
      });

      it('should keep locks of different keys independent', async () => {
        expect(await store.acquireLock('refresh:ou_1', 10_000)).toBeDefined();
        expect(await store.acquireLock('refresh:ou_2', 10_000)).toBeDefined();
      });

      it('should free the lock when its owner releases it, for a new owner with a new id', async () => {
        const first = await store.acquireLock('refresh:ou_1', 10_000);
        await store.releaseLock('refresh:ou_1', first!);

        const second = await peer().acquireLock('refresh:ou_1', 10_000);

        expect(second).toBeDefined();
        expect(second).not.toBe(first);
      });

      it('should not free the lock when someone other than its owner releases it', async () => {
        const owner = await store.acquireLock('refresh:ou_1', 10_000);

        await store.releaseLock('refresh:ou_1', 'not-the-owner');
        await store.releaseLock('refresh:ou_1', owner + 'x');

        expect(await store.acquireLock('refresh:ou_1', 10_000)).toBeUndefined();
      });

      it('should free a lock by itself once its lease has passed (its owner died)', async () => {
        expect(await store.acquireLock('refresh:ou_1', 200)).toBeDefined();

        await harness.advance(250);

        expect(
          await eventually(() => peer().acquireLock('refresh:ou_1', 10_000), isDefined),
        ).toBeDefined();
      });

      it('should not let a late owner release a lock that expired and was taken by another', async () => {
        const late = await store.acquireLock('refresh:ou_1', 200);
        await harness.advance(250);
        const current = await eventually(
          () => store.acquireLock('refresh:ou_1', 10_000),
          isDefined,
        );
        expect(current).toBeDefined();

        await store.releaseLock('refresh:ou_1', late!);

        expect(await store.acquireLock('refresh:ou_1', 10_000)).toBeUndefined();
      });
    });

    describe('due index', () => {
      it('should return the members due at or before now, earliest first', async () => {
        const now = harness.now();
        await store.scheduleRefresh('user:ou_c', now - 10);
        await store.scheduleRefresh('user:ou_a', now - 300);
        await store.scheduleRefresh('user:ou_future', now + 60_000);
        await store.scheduleRefresh('user:ou_b', now - 20);
        await store.scheduleRefresh('user:ou_edge', now);

        expect(await store.getDue(now, 10)).toEqual([
          'user:ou_a',
          'user:ou_b',
          'user:ou_c',
          'user:ou_edge',
        ]);
      });

      it('should return at most limit members, the earliest ones', async () => {
        const now = harness.now();
        for (let index = 0; index < 50; index++)
          await store.scheduleRefresh(`user:ou_${index}`, now - 1000 + index);

        expect(await store.getDue(now, 3)).toEqual(['user:ou_0', 'user:ou_1', 'user:ou_2']);
        expect(await store.getDue(now, 0)).toEqual([]);
      });

      it('should keep due members indexed after they were read', async () => {
        const now = harness.now();
        await store.scheduleRefresh('user:ou_1', now - 5);
        await store.scheduleRefresh('user:ou_2', now - 1);

        await store.getDue(now, 10);

        expect(await peer().getDue(now, 10)).toEqual(['user:ou_1', 'user:ou_2']);
      });

      it('should move a member when it is scheduled again, never listing it twice', async () => {
        const now = harness.now();
        await store.scheduleRefresh('user:ou_1', now - 100);
        await store.scheduleRefresh('user:ou_2', now - 50);
        await store.scheduleRefresh('user:ou_1', now - 10);
        await store.scheduleRefresh('user:ou_3', now - 30);
        await store.scheduleRefresh('user:ou_2', now + 60_000);

        expect(await store.getDue(now, 10)).toEqual(['user:ou_3', 'user:ou_1']);
        expect(await store.getDue(now + 60_000, 10)).toEqual([
          'user:ou_3',
          'user:ou_1',
          'user:ou_2',
        ]);
      });

      it('should forget an unscheduled member', async () => {
        const now = harness.now();
        await store.scheduleRefresh('user:ou_1', now - 10);
        await store.scheduleRefresh('user:ou_2', now - 5);

        await store.unscheduleRefresh('user:ou_1');
        await store.unscheduleRefresh('user:never-scheduled');

        expect(await store.getDue(now, 10)).toEqual(['user:ou_2']);
      });

      it('should return nothing when nothing is due yet', async () => {
        const now = harness.now();
        expect(await store.getDue(now, 10)).toEqual([]);
        await store.scheduleRefresh('user:ou_1', now + 1000);

        expect(await store.getDue(now, 10)).toEqual([]);
        expect(await store.getDue(now + 1000, 10)).toEqual(['user:ou_1']);
      });
    });
  });
}

/** Retries `read` until `done` holds or a real-time deadline passes; returns the last value read. */
async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() >= deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function isUndefined(value: unknown): boolean {
  return value === undefined;
}

function isDefined(value: unknown): boolean {
  return value !== undefined;
}

function randomToken(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4))
    .toString('base64url')
    .slice(0, length);
}

function userRecord(now: number, openId: string): FeishuUserTokenRecord {
  return {
    appId: APP_ID,
    openId,
    tenantKey: 'tk1',
    accessToken: 'u-' + randomToken(40),
    accessTokenExpiresAt: now + 7_200_000,
    refreshToken: 'ur-' + randomToken(40),
    refreshTokenExpiresAt: now + 30 * 86_400_000,
    scope: 'offline_access contact:user.base:readonly',
    issuer: 'v2',
    updatedAt: now,
  };
}

function sessionRecord(now: number, id: string, openId: string): FeishuSessionRecord {
  return {
    id,
    openId,
    profile: {
      openId,
      unionId: 'on_' + openId,
      tenantKey: 'tk1',
      name: '张三 Zhang',
      avatarUrl: 'https://example.com/a.png',
    },
    createdAt: now,
    expiresAt: now + 3_600_000,
  };
}
