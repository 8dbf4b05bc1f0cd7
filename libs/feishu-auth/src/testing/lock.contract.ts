import type { FeishuLockStore } from '../interfaces/feishu-lock-store.interface.js';
import { roleContract, type ContractContext } from './token-store-contract.harness.js';
import { eventually, isDefined } from './token-store-contract.fixtures.js';

/**
 * Declares Jest or Vitest tests proving the `FeishuLockStore` rules for the store the harness from
 * `factory` holds: run it for a store that implements this role only, or
 * `describeTokenStoreContract` for a whole `FeishuTokenStore`.
 *
 * @publicApi
 */
export const describeLockContract = roleContract('FeishuLockStore', lockTests);

/** The `FeishuLockStore` tests, declared in the running describe block. */
export function lockTests(t: ContractContext<FeishuLockStore>): void {
  const { describe, it, expect } = t;

  describe('locks', () => {
    it('should give the lock to one owner and refuse it to others while it is held', async () => {
      const owner = await t.store.acquireLock('refresh:ou_1', 10_000);

      expect(typeof owner).toBe('string');
      expect(await t.store.acquireLock('refresh:ou_1', 10_000)).toBeUndefined();
      expect(await t.peer().acquireLock('refresh:ou_1', 10_000)).toBeUndefined();
    });

    it('should give the lock to exactly one of many concurrent acquirers across instances', async () => {
      const other = t.peer();

      const owners = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          (index % 2 ? other : t.store).acquireLock('refresh:ou_1', 10_000),
        ),
      );

      expect(owners.filter((owner) => owner !== undefined)).toHaveLength(1);
    });

    it('should keep locks of different keys independent', async () => {
      expect(await t.store.acquireLock('refresh:ou_1', 10_000)).toBeDefined();
      expect(await t.store.acquireLock('refresh:ou_2', 10_000)).toBeDefined();
    });

    it('should free the lock when its owner releases it, for a new owner with a new id', async () => {
      const first = await t.store.acquireLock('refresh:ou_1', 10_000);
      await t.store.releaseLock('refresh:ou_1', first!);

      const second = await t.peer().acquireLock('refresh:ou_1', 10_000);

      expect(second).toBeDefined();
      expect(second).not.toBe(first);
    });

    it('should not free the lock when someone other than its owner releases it', async () => {
      const owner = await t.store.acquireLock('refresh:ou_1', 10_000);

      await t.store.releaseLock('refresh:ou_1', 'not-the-owner');
      await t.store.releaseLock('refresh:ou_1', owner + 'x');

      expect(await t.store.acquireLock('refresh:ou_1', 10_000)).toBeUndefined();
    });

    it('should free a lock by itself once its lease has passed (its owner died)', async () => {
      expect(await t.store.acquireLock('refresh:ou_1', 200)).toBeDefined();

      await t.advance(250);

      expect(
        await eventually(() => t.peer().acquireLock('refresh:ou_1', 10_000), isDefined),
      ).toBeDefined();
    });

    it('should not let a late owner release a lock that expired and was taken by another', async () => {
      const late = await t.store.acquireLock('refresh:ou_1', 200);
      await t.advance(250);
      const current = await eventually(
        () => t.store.acquireLock('refresh:ou_1', 10_000),
        isDefined,
      );
      expect(current).toBeDefined();

      await t.store.releaseLock('refresh:ou_1', late!);

      expect(await t.store.acquireLock('refresh:ou_1', 10_000)).toBeUndefined();
    });
  });
}
