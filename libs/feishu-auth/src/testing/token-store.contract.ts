import type { FeishuTokenStore } from '../interfaces/feishu-token-store.interface.js';
import { appTicketTests } from './app-ticket.contract.js';
import { eventClaimTests } from './event-claim.contract.js';
import { lockTests } from './lock.contract.js';
import { refreshScheduleTests } from './refresh-schedule.contract.js';
import { sessionTests } from './session.contract.js';
import { APP_ID, sessionRecord, userRecord } from './token-store-contract.fixtures.js';
import {
  describeContract,
  type ContractContext,
  type TokenStoreContractOptions,
  type TokenStoreHarnessFactory,
} from './token-store-contract.harness.js';
import { tokenCacheTests } from './token-cache.contract.js';
import { userTokenTests } from './user-token.contract.js';

/**
 * Declares Jest or Vitest tests proving every rule of the `FeishuTokenStore` doc comment for the
 * store that `factory` builds: each role's tests (as `describeTokenCacheContract` … declare them),
 * then that the roles keep their entries apart. Use it for your own store (this entry point is
 * `@feishu-auth/nestjs/testing`):
 *
 * ```ts
 * describeTokenStoreContract('PostgresTokenStore', async () => ({
 *   store: new PostgresTokenStore(pool, { schema: randomSchema() }),
 *   now: () => Date.now(),
 *   advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
 * }));
 * ```
 *
 * @publicApi
 */
export function describeTokenStoreContract(
  name: string,
  factory: TokenStoreHarnessFactory<FeishuTokenStore>,
  options: TokenStoreContractOptions = {},
): void {
  describeContract(`${name} (FeishuTokenStore contract)`, factory, options, (t) => {
    tokenCacheTests(t);
    appTicketTests(t);
    eventClaimTests(t);
    userTokenTests(t);
    sessionTests(t);
    lockTests(t);
    refreshScheduleTests(t);
    rolesKeptApartTests(t);
  });
}

/** Entries of different roles with the same name are different entries. */
function rolesKeptApartTests(t: ContractContext<FeishuTokenStore>): void {
  const { describe, it, expect } = t;

  describe('roles kept apart', () => {
    it('should keep event ids apart from locks and tokens with the same name', async () => {
      await t.store.acquireLock('cli_a:ev-3', 60_000);
      await t.store.setToken('cli_a:ev-3', { token: 't', expiresAt: t.now() + 60_000 });

      expect(await t.store.claimEvent('cli_a:ev-3', 3600)).toBe(true);
    });

    it('should keep user records apart from tokens and sessions with the same id', async () => {
      await t.store.setUserToken(userRecord(t.now(), 'same'), 3600);
      await t.store.setToken('same', { token: 'app', expiresAt: t.now() + 60_000 });
      await t.store.setSession(sessionRecord(t.now(), 'same', 'ou_x'), 3600);

      expect((await t.store.getUserToken(APP_ID, 'same'))?.openId).toBe('same');
      expect((await t.store.getToken('same'))?.token).toBe('app');
      expect((await t.store.getSession('same'))?.openId).toBe('ou_x');
    });
  });
}
