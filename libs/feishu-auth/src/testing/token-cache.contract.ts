import type { FeishuTokenCache } from '../interfaces/feishu-token-cache.interface.js';
import { roleContract, type ContractContext } from './token-store-contract.harness.js';
import { eventually, isUndefined, randomToken } from './token-store-contract.fixtures.js';

/**
 * Declares Jest or Vitest tests proving the `FeishuTokenCache` rules for the store the harness from
 * `factory` holds: run it for a store that implements this role only, or
 * `describeTokenStoreContract` for a whole `FeishuTokenStore`.
 *
 * @publicApi
 */
export const describeTokenCacheContract = roleContract('FeishuTokenCache', tokenCacheTests);

/** The `FeishuTokenCache` tests, declared in the running describe block. */
export function tokenCacheTests(t: ContractContext<FeishuTokenCache>): void {
  const { describe, it, itWithExactClock, expect } = t;

  describe('app and tenant tokens', () => {
    it('should return a token as it was written, and nothing for an unknown key', async () => {
      const value = { token: 't-' + randomToken(32), expiresAt: t.now() + 7_200_000 };
      await t.store.setToken('tenant:cli_a:tk1', value);

      expect(await t.store.getToken('tenant:cli_a:tk1')).toEqual(value);
      expect(await t.store.getToken('tenant:cli_a:tk2')).toBeUndefined();
    });

    it('should replace a token when it is written again', async () => {
      await t.store.setToken('app:cli_a', { token: 'first', expiresAt: t.now() + 7_200_000 });
      const second = { token: 'second', expiresAt: t.now() + 7_300_000 };
      await t.store.setToken('app:cli_a', second);

      expect(await t.store.getToken('app:cli_a')).toEqual(second);
    });

    it('should round-trip a 2 KB token unchanged', async () => {
      const value = { token: randomToken(2048), expiresAt: t.now() + 7_200_000 };
      await t.store.setToken('app:cli_big', value);

      expect(await t.store.getToken('app:cli_big')).toEqual(value);
    });

    it('should stop returning a token once its expiresAt has passed', async () => {
      await t.store.setToken('app:cli_a', { token: 'short', expiresAt: t.now() + 1000 });
      expect(await t.store.getToken('app:cli_a')).toBeDefined();

      await t.advance(1100);

      expect(await eventually(() => t.store.getToken('app:cli_a'), isUndefined)).toBeUndefined();
    });

    itWithExactClock(
      'should keep a token until the last millisecond before its expiresAt',
      async () => {
        await t.store.setToken('app:cli_a', { token: 'edge', expiresAt: t.now() + 1000 });

        await t.advance(999);
        expect(await t.store.getToken('app:cli_a')).toBeDefined();
        await t.advance(2);
        expect(await t.store.getToken('app:cli_a')).toBeUndefined();
      },
    );

    it('should not keep a token whose expiresAt has already passed', async () => {
      await t.store.setToken('app:cli_a', { token: 'live', expiresAt: t.now() + 60_000 });
      await t.store.setToken('app:cli_a', { token: 'dead', expiresAt: t.now() - 1 });

      expect(await t.store.getToken('app:cli_a')).toBeUndefined();
    });

    it('should delete a token unconditionally when no onlyIfToken is given', async () => {
      await t.store.setToken('app:cli_a', { token: 'one', expiresAt: t.now() + 60_000 });
      await t.store.deleteToken('app:cli_a');

      expect(await t.store.getToken('app:cli_a')).toBeUndefined();
    });

    it('should delete a token only if it is still the one named by onlyIfToken', async () => {
      const current = {
        token: 'current-' + randomToken(2048),
        expiresAt: t.now() + 60_000,
      };
      await t.store.setToken('tenant:cli_a:tk1', current);

      await t.store.deleteToken('tenant:cli_a:tk1', 'an-older-token');
      expect(await t.store.getToken('tenant:cli_a:tk1')).toEqual(current);

      await t.store.deleteToken('tenant:cli_a:tk1', current.token);
      expect(await t.store.getToken('tenant:cli_a:tk1')).toBeUndefined();
    });

    it('should do nothing when deleting a token that is not stored', async () => {
      await expect(t.store.deleteToken('app:none', 'whatever')).resolves.toBeUndefined();
      await expect(t.store.deleteToken('app:none')).resolves.toBeUndefined();
    });
  });
}
