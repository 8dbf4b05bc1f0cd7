import type { FeishuUserTokenStore } from '../interfaces/feishu-user-token-store.interface.js';
import { roleContract, type ContractContext } from './token-store-contract.harness.js';
import {
  APP_ID,
  eventually,
  isUndefined,
  randomToken,
  userRecord,
} from './token-store-contract.fixtures.js';

/**
 * Declares Jest or Vitest tests proving the `FeishuUserTokenStore` rules for the store the harness
 * from `factory` holds: run it for a store that implements this role only, or
 * `describeTokenStoreContract` for a whole `FeishuTokenStore`.
 *
 * @publicApi
 */
export const describeUserTokenContract = roleContract('FeishuUserTokenStore', userTokenTests);

/** The `FeishuUserTokenStore` tests, declared in the running describe block. */
export function userTokenTests(t: ContractContext<FeishuUserTokenStore>): void {
  const { describe, it, itWithExactClock, expect } = t;

  describe('user token records', () => {
    it('should return a record as it was written', async () => {
      const record = userRecord(t.now(), 'ou_1');
      await t.store.setUserToken(record, 3600);

      expect(await t.store.getUserToken(APP_ID, 'ou_1')).toEqual(record);
      expect(await t.store.getUserToken(APP_ID, 'ou_2')).toBeUndefined();
    });

    it('should keep optional fields absent when a record has no refresh token', async () => {
      const {
        refreshToken: _r,
        refreshTokenExpiresAt: _e,
        scope: _s,
        ...record
      } = userRecord(t.now(), 'ou_1');
      await t.store.setUserToken(record, 3600);

      const stored = await t.store.getUserToken(APP_ID, 'ou_1');
      expect(stored).toEqual(record);
      expect(stored && 'refreshToken' in stored && stored.refreshToken !== undefined).toBe(false);
    });

    it('should round-trip 2 KB access and refresh tokens unchanged', async () => {
      const record = {
        ...userRecord(t.now(), 'ou_big'),
        accessToken: randomToken(2048),
        refreshToken: randomToken(2048),
      };
      await t.store.setUserToken(record, 3600);

      expect(await t.store.getUserToken(APP_ID, 'ou_big')).toEqual(record);
    });

    it('should replace a record when it is written again', async () => {
      await t.store.setUserToken(userRecord(t.now(), 'ou_1'), 3600);
      const rotated = {
        ...userRecord(t.now(), 'ou_1'),
        refreshToken: 'rotated',
        updatedAt: t.now() + 1,
      };
      await t.store.setUserToken(rotated, 3600);

      expect(await t.store.getUserToken(APP_ID, 'ou_1')).toEqual(rotated);
    });

    it('should not let a caller change what is stored by mutating an object it wrote or read', async () => {
      const record = userRecord(t.now(), 'ou_1');
      const written = { ...record };
      await t.store.setUserToken(written, 3600);
      written.accessToken = 'mutated-after-write';

      const read = await t.store.getUserToken(APP_ID, 'ou_1');
      read!.refreshToken = 'mutated-after-read';

      expect(await t.store.getUserToken(APP_ID, 'ou_1')).toEqual(record);
    });

    it('should stop returning a record once its TTL has passed', async () => {
      await t.store.setUserToken(userRecord(t.now(), 'ou_1'), 1);
      expect(await t.store.getUserToken(APP_ID, 'ou_1')).toBeDefined();

      await t.advance(1100);

      expect(
        await eventually(() => t.store.getUserToken(APP_ID, 'ou_1'), isUndefined),
      ).toBeUndefined();
    });

    itWithExactClock('should keep a record until the last millisecond of its TTL', async () => {
      await t.store.setUserToken(userRecord(t.now(), 'ou_1'), 10);

      await t.advance(9_999);
      expect(await t.store.getUserToken(APP_ID, 'ou_1')).toBeDefined();
      await t.advance(2);
      expect(await t.store.getUserToken(APP_ID, 'ou_1')).toBeUndefined();
    });

    it('should not keep a record written with no TTL left', async () => {
      await t.store.setUserToken(userRecord(t.now(), 'ou_1'), 3600);
      await t.store.setUserToken(userRecord(t.now(), 'ou_1'), 0);

      expect(await t.store.getUserToken(APP_ID, 'ou_1')).toBeUndefined();
    });

    it('should delete one user record and leave the others', async () => {
      await t.store.setUserToken(userRecord(t.now(), 'ou_1'), 3600);
      await t.store.setUserToken(userRecord(t.now(), 'ou_2'), 3600);

      await t.store.deleteUserToken(APP_ID, 'ou_1');

      expect(await t.store.getUserToken(APP_ID, 'ou_1')).toBeUndefined();
      expect(await t.store.getUserToken(APP_ID, 'ou_2')).toBeDefined();
    });

    it('should keep the records of two apps with the same open_id apart', async () => {
      const ours = userRecord(t.now(), 'ou_1');
      const theirs = { ...userRecord(t.now(), 'ou_1'), appId: 'cli_other_app' };
      await t.store.setUserToken(ours, 3600);
      await t.store.setUserToken(theirs, 3600);

      expect(await t.store.getUserToken(APP_ID, 'ou_1')).toEqual(ours);
      expect(await t.peer().getUserToken('cli_other_app', 'ou_1')).toEqual(theirs);
      await t.store.deleteUserToken('cli_other_app', 'ou_1');
      expect(await t.store.getUserToken(APP_ID, 'ou_1')).toEqual(ours);
      expect(await t.store.getUserToken('cli_other_app', 'ou_1')).toBeUndefined();
      expect(await t.store.getUserToken('cli_third_app', 'ou_1')).toBeUndefined();
    });
  });
}
