import type { FeishuRefreshSchedule } from '../interfaces/feishu-refresh-schedule.interface.js';
import { roleContract, type ContractContext } from './token-store-contract.harness.js';

/**
 * Declares Jest or Vitest tests proving the `FeishuRefreshSchedule` rules for the store the harness
 * from `factory` holds: run it for a store that implements this role only, or
 * `describeTokenStoreContract` for a whole `FeishuTokenStore`.
 *
 * @publicApi
 */
export const describeRefreshScheduleContract = roleContract(
  'FeishuRefreshSchedule',
  refreshScheduleTests,
);

/** The `FeishuRefreshSchedule` tests, declared in the running describe block. */
export function refreshScheduleTests(t: ContractContext<FeishuRefreshSchedule>): void {
  const { describe, it, expect } = t;

  describe('due index', () => {
    it('should return the members due at or before now, earliest first', async () => {
      const now = t.now();
      await t.store.scheduleRefresh('user:ou_c', now - 10);
      await t.store.scheduleRefresh('user:ou_a', now - 300);
      await t.store.scheduleRefresh('user:ou_future', now + 60_000);
      await t.store.scheduleRefresh('user:ou_b', now - 20);
      await t.store.scheduleRefresh('user:ou_edge', now);

      expect(await t.store.getDue(now, 10)).toEqual([
        'user:ou_a',
        'user:ou_b',
        'user:ou_c',
        'user:ou_edge',
      ]);
    });

    it('should return at most limit members, the earliest ones', async () => {
      const now = t.now();
      for (let index = 0; index < 50; index++)
        await t.store.scheduleRefresh(`user:ou_${index}`, now - 1000 + index);

      expect(await t.store.getDue(now, 3)).toEqual(['user:ou_0', 'user:ou_1', 'user:ou_2']);
      expect(await t.store.getDue(now, 0)).toEqual([]);
    });

    it('should keep due members indexed after they were read', async () => {
      const now = t.now();
      await t.store.scheduleRefresh('user:ou_1', now - 5);
      await t.store.scheduleRefresh('user:ou_2', now - 1);

      await t.store.getDue(now, 10);

      expect(await t.peer().getDue(now, 10)).toEqual(['user:ou_1', 'user:ou_2']);
    });

    it('should move a member when it is scheduled again, never listing it twice', async () => {
      const now = t.now();
      await t.store.scheduleRefresh('user:ou_1', now - 100);
      await t.store.scheduleRefresh('user:ou_2', now - 50);
      await t.store.scheduleRefresh('user:ou_1', now - 10);
      await t.store.scheduleRefresh('user:ou_3', now - 30);
      await t.store.scheduleRefresh('user:ou_2', now + 60_000);

      expect(await t.store.getDue(now, 10)).toEqual(['user:ou_3', 'user:ou_1']);
      expect(await t.store.getDue(now + 60_000, 10)).toEqual([
        'user:ou_3',
        'user:ou_1',
        'user:ou_2',
      ]);
    });

    it('should forget an unscheduled member', async () => {
      const now = t.now();
      await t.store.scheduleRefresh('user:ou_1', now - 10);
      await t.store.scheduleRefresh('user:ou_2', now - 5);

      await t.store.unscheduleRefresh('user:ou_1');
      await t.store.unscheduleRefresh('user:never-scheduled');

      expect(await t.store.getDue(now, 10)).toEqual(['user:ou_2']);
    });

    it('should return nothing when nothing is due yet', async () => {
      const now = t.now();
      expect(await t.store.getDue(now, 10)).toEqual([]);
      await t.store.scheduleRefresh('user:ou_1', now + 1000);

      expect(await t.store.getDue(now, 10)).toEqual([]);
      expect(await t.store.getDue(now + 1000, 10)).toEqual(['user:ou_1']);
    });
  });
}
