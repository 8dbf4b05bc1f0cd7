import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { FeishuConfigError } from '../feishu-auth.errors.js';
import type { FeishuUserTokenRecord } from '../interfaces/feishu-token-store.interface.js';
import { InMemoryTokenStore } from './in-memory-token.store.js';
import { describeTokenStoreContract } from '../testing/index.js';

/** The app holding the user records these tests write. */
const APP_ID = 'cli_store_test';

describeTokenStoreContract(
  'InMemoryTokenStore',
  () => {
    let time = Date.UTC(2030, 0, 1);
    return {
      store: new InMemoryTokenStore({ clock: () => time }),
      now: () => time,
      advance: async (ms: number) => {
        time += ms;
      },
    };
  },
  // The test functions passed in, as a Vitest user without globals does (the other stores' specs
  // use the runner's globals).
  { exactClock: true, runner: { describe, it, expect, beforeEach, afterEach } },
);

function userRecord(openId: string): FeishuUserTokenRecord {
  return {
    appId: APP_ID,
    openId,
    tenantKey: 'tk1',
    accessToken: `u-${openId}`,
    accessTokenExpiresAt: Date.now() + 7_200_000,
    refreshToken: `ur-${openId}`,
    issuer: 'v2',
    updatedAt: Date.now(),
  };
}

describe('InMemoryTokenStore', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  describe('under jest fake timers (no clock given)', () => {
    it('should expire records, tokens and locks as the faked Date moves', async () => {
      jest.useFakeTimers({ now: Date.UTC(2030, 0, 1) });
      const store = new InMemoryTokenStore();
      await store.setUserToken(userRecord('ou_1'), 60);
      await store.setToken('app:cli_a', { token: 'a', expiresAt: Date.now() + 30_000 });
      await store.acquireLock('refresh:ou_1', 15_000);

      jest.advanceTimersByTime(15_001);
      expect(await store.acquireLock('refresh:ou_1', 15_000)).toBeDefined();
      expect(await store.getToken('app:cli_a')).toBeDefined();

      jest.advanceTimersByTime(15_000);
      expect(await store.getToken('app:cli_a')).toBeUndefined();
      expect(await store.getUserToken(APP_ID, 'ou_1')).toBeDefined();

      jest.advanceTimersByTime(30_000);
      expect(await store.getUserToken(APP_ID, 'ou_1')).toBeUndefined();
    });

    it('should leave no timer behind, so nothing keeps the process alive', async () => {
      jest.useFakeTimers({ now: Date.UTC(2030, 0, 1) });
      const store = new InMemoryTokenStore();
      await store.setUserToken(userRecord('ou_1'), 60);
      await store.setSession(
        {
          id: 's',
          openId: 'ou_1',
          profile: { openId: 'ou_1', unionId: 'on_1', tenantKey: 'tk1', name: 'A' },
          createdAt: 0,
          expiresAt: 1,
        },
        60,
      );
      await store.acquireLock('refresh:ou_1', 1000);
      await store.scheduleRefresh('user:ou_1', Date.now() + 1000);

      expect(jest.getTimerCount()).toBe(0);
      await store.close();
      expect(jest.getTimerCount()).toBe(0);
    });
  });

  describe('bounds', () => {
    it('should keep at most maxUsers user records, dropping the least recently used', async () => {
      const store = new InMemoryTokenStore({ maxUsers: 3 });
      for (const openId of ['ou_1', 'ou_2', 'ou_3'])
        await store.setUserToken(userRecord(openId), 3600);
      await store.getUserToken(APP_ID, 'ou_1');

      await store.setUserToken(userRecord('ou_4'), 3600);

      expect(await store.getUserToken(APP_ID, 'ou_2')).toBeUndefined();
      for (const openId of ['ou_1', 'ou_3', 'ou_4'])
        expect(await store.getUserToken(APP_ID, openId)).toBeDefined();
    });

    it('should keep at most maxSessions sessions (default twice maxUsers)', async () => {
      const store = new InMemoryTokenStore({ maxUsers: 2 });
      const profile = { openId: 'ou_1', unionId: 'on_1', tenantKey: 'tk1', name: 'A' };
      for (let index = 0; index < 5; index++) {
        await store.setSession(
          { id: `s${index}`, openId: 'ou_1', profile, createdAt: 0, expiresAt: 0 },
          3600,
        );
      }

      const kept = await Promise.all([0, 1, 2, 3, 4].map((index) => store.getSession(`s${index}`)));
      expect(kept.map((session) => session?.id)).toEqual([undefined, 's1', 's2', 's3', 's4']);
    });

    it('should keep at most maxTokens app and tenant tokens', async () => {
      const store = new InMemoryTokenStore({ maxTokens: 2 });
      for (const tenant of ['t1', 't2', 't3']) {
        await store.setToken(`tenant:cli_a:${tenant}`, {
          token: tenant,
          expiresAt: Date.now() + 60_000,
        });
      }

      expect(await store.getToken('tenant:cli_a:t1')).toBeUndefined();
      expect(await store.getToken('tenant:cli_a:t3')).toBeDefined();
    });

    it.each([0, -1, 1.5, Number.NaN])(
      'should refuse maxUsers = %p with a FeishuConfigError',
      (maxUsers) => {
        expect(() => new InMemoryTokenStore({ maxUsers })).toThrow(FeishuConfigError);
      },
    );
  });

  it('should forget everything on close', async () => {
    const store = new InMemoryTokenStore();
    await store.setUserToken(userRecord('ou_1'), 3600);
    await store.scheduleRefresh('user:ou_1', 0);

    await store.close();

    expect(await store.getUserToken(APP_ID, 'ou_1')).toBeUndefined();
    expect(await store.getDue(Date.now(), 10)).toEqual([]);
  });
});
