import type { FeishuAppTicketStore } from '../interfaces/feishu-app-ticket-store.interface.js';
import { roleContract, type ContractContext } from './token-store-contract.harness.js';

/**
 * Declares Jest or Vitest tests proving the `FeishuAppTicketStore` rules for the store the harness
 * from `factory` holds: run it for a store that implements this role only, or
 * `describeTokenStoreContract` for a whole `FeishuTokenStore`.
 *
 * @publicApi
 */
export const describeAppTicketContract = roleContract('FeishuAppTicketStore', appTicketTests);

/** The `FeishuAppTicketStore` tests, declared in the running describe block. */
export function appTicketTests(t: ContractContext<FeishuAppTicketStore>): void {
  const { describe, it, expect } = t;

  describe('app tickets', () => {
    it('should return the latest app_ticket of each app', async () => {
      const t0 = t.now();
      expect(await t.store.getAppTicket('cli_a')).toBeUndefined();
      await t.store.setAppTicket('cli_a', 'ticket-1', t0);
      await t.store.setAppTicket('cli_b', 'ticket-b', t0);
      await t.store.setAppTicket('cli_a', 'ticket-2', t0 + 3_600_000);

      expect(await t.store.getAppTicket('cli_a')).toBe('ticket-2');
      expect(await t.store.getAppTicket('cli_b')).toBe('ticket-b');
    });

    it('should let another instance read the app_ticket one instance received', async () => {
      await t.store.setAppTicket('cli_a', 'pushed-to-instance-1', t.now());

      expect(await t.peer().getAppTicket('cli_a')).toBe('pushed-to-instance-1');
    });

    it('should never let an app_ticket issued earlier replace one issued later', async () => {
      const t0 = t.now();
      expect(await t.store.setAppTicket('cli_a', 'newer', t0 + 1000)).toBe(true);

      expect(await t.peer().setAppTicket('cli_a', 'older', t0)).toBe(false);
      expect(await t.store.getAppTicket('cli_a')).toBe('newer');
      expect(await t.store.setAppTicket('cli_a', 'same-time', t0 + 1000)).toBe(true);
      expect(await t.store.getAppTicket('cli_a')).toBe('same-time');
    });

    it('should keep the latest of many app_tickets written concurrently by several instances', async () => {
      const t0 = t.now();
      const times = Array.from({ length: 20 }, (_, index) => t0 + ((index * 7) % 20) * 1000);
      await Promise.all(
        times.map((at, index) =>
          (index % 2 === 0 ? t.store : t.peer()).setAppTicket('cli_a', `ticket-${at}`, at),
        ),
      );

      expect(await t.store.getAppTicket('cli_a')).toBe(`ticket-${t0 + 19_000}`);
    });
  });
}
