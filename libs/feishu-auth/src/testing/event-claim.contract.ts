import type { FeishuEventClaimStore } from '../interfaces/feishu-event-claim-store.interface.js';
import { roleContract, type ContractContext } from './token-store-contract.harness.js';
import { eventually } from './token-store-contract.fixtures.js';

/**
 * Declares Jest or Vitest tests proving the `FeishuEventClaimStore` rules for the store the harness
 * from `factory` holds: run it for a store that implements this role only, or
 * `describeTokenStoreContract` for a whole `FeishuTokenStore`.
 *
 * @publicApi
 */
export const describeEventClaimContract = roleContract('FeishuEventClaimStore', eventClaimTests);

/** The `FeishuEventClaimStore` tests, declared in the running describe block. */
export function eventClaimTests(t: ContractContext<FeishuEventClaimStore>): void {
  const { describe, it, expect } = t;

  describe('handled events', () => {
    it('should claim an event id once, then refuse it on every instance', async () => {
      expect(await t.store.claimEvent('cli_a:ev-1', 3600)).toBe(true);

      expect(await t.store.claimEvent('cli_a:ev-1', 3600)).toBe(false);
      expect(await t.peer().claimEvent('cli_a:ev-1', 3600)).toBe(false);
      expect(await t.store.claimEvent('cli_a:ev-2', 3600)).toBe(true);
    });

    it('should give an event id to exactly one of many concurrent claims across instances', async () => {
      const claims = await Promise.all(
        Array.from({ length: 10 }, (_, index) =>
          (index % 2 === 0 ? t.store : t.peer()).claimEvent('cli_a:ev-race', 3600),
        ),
      );

      expect(claims.filter(Boolean)).toHaveLength(1);
    });

    it('should forget a claimed event id once its TTL has passed', async () => {
      expect(await t.store.claimEvent('cli_a:ev-short', 1)).toBe(true);

      await t.advance(1100);

      expect(
        await eventually(
          () => t.store.claimEvent('cli_a:ev-short', 1),
          (claimed) => claimed,
        ),
      ).toBe(true);
    });
  });
}
