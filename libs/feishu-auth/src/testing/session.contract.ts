import type { FeishuSessionStore } from '../interfaces/feishu-session-store.interface.js';
import { roleContract, type ContractContext } from './token-store-contract.harness.js';
import { eventually, isUndefined, sessionRecord } from './token-store-contract.fixtures.js';

/**
 * Declares Jest or Vitest tests proving the `FeishuSessionStore` rules for the store the harness
 * from `factory` holds: run it for a store that implements this role only, or
 * `describeTokenStoreContract` for a whole `FeishuTokenStore`.
 *
 * @publicApi
 */
export const describeSessionContract = roleContract('FeishuSessionStore', sessionTests);

/** The `FeishuSessionStore` tests, declared in the running describe block. */
export function sessionTests(t: ContractContext<FeishuSessionStore>): void {
  const { describe, it, expect } = t;

  describe('sessions', () => {
    it('should return a session with its profile as it was written', async () => {
      const session = sessionRecord(t.now(), 'sid-1', 'ou_1');
      await t.store.setSession(session, 3600);

      expect(await t.store.getSession('sid-1')).toEqual(session);
      expect(await t.store.getSession('sid-2')).toBeUndefined();
    });

    it("should not let a caller change a stored session's profile by mutating one it wrote or read", async () => {
      const session = sessionRecord(t.now(), 'sid-1', 'ou_1');
      const written = { ...session, profile: { ...session.profile } };
      await t.store.setSession(written, 3600);
      written.profile.name = 'mutated-after-write';

      const read = await t.store.getSession('sid-1');
      read!.profile.name = 'mutated-after-read';

      expect(await t.store.getSession('sid-1')).toEqual(session);
    });

    it('should let another instance read a session one instance wrote', async () => {
      const session = sessionRecord(t.now(), 'sid-1', 'ou_1');
      await t.store.setSession(session, 3600);

      expect(await t.peer().getSession('sid-1')).toEqual(session);
    });

    it('should stop returning a session once its TTL has passed', async () => {
      await t.store.setSession(sessionRecord(t.now(), 'sid-1', 'ou_1'), 1);
      expect(await t.store.getSession('sid-1')).toBeDefined();

      await t.advance(1100);

      expect(await eventually(() => t.store.getSession('sid-1'), isUndefined)).toBeUndefined();
    });

    it('should delete a session', async () => {
      await t.store.setSession(sessionRecord(t.now(), 'sid-1', 'ou_1'), 3600);
      await t.store.deleteSession('sid-1');

      expect(await t.store.getSession('sid-1')).toBeUndefined();
    });
  });
}
