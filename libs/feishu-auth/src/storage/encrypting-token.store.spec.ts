import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { FeishuConfigError } from '../feishu-auth.errors.js';
import type { FeishuEncryptionOptions } from '../interfaces/feishu-auth-module-options.interface.js';
import type { FeishuUserTokenRecord } from '../interfaces/feishu-token-store.interface.js';
import { EncryptingTokenStore } from './encrypting-token.store.js';
import { InMemoryTokenStore } from './in-memory-token.store.js';
import { describeTokenStoreContract } from '../testing/index.js';

/** The app holding the user records these tests write. */
const APP_ID = 'cli_store_test';

const OLD_KEY = { id: 'k2025', key: randomBytes(32).toString('base64') };
const NEW_KEY = { id: 'k2026', key: randomBytes(32).toString('hex') };
/** The key ids as sealed values carry them (base64url). */
const SEALED_ID_2025 = Buffer.from('k2025').toString('base64url');
const SEALED_ID_2026 = Buffer.from('k2026').toString('base64url');

describeTokenStoreContract(
  'EncryptingTokenStore over InMemoryTokenStore',
  () => {
    let time = Date.UTC(2030, 0, 1);
    const backend = new InMemoryTokenStore({ clock: () => time });
    return {
      store: new EncryptingTokenStore(backend, { keys: [NEW_KEY, OLD_KEY] }),
      now: () => time,
      advance: async (ms: number) => {
        time += ms;
      },
      // A second instance: same backend, same keys, its own cipher.
      peer: () => new EncryptingTokenStore(backend, { keys: [NEW_KEY, OLD_KEY] }),
    };
  },
  { exactClock: true },
);

function userRecord(openId: string): FeishuUserTokenRecord {
  return {
    appId: APP_ID,
    openId,
    tenantKey: 'tk1',
    accessToken: 'u-' + randomBytes(1536).toString('base64url'),
    accessTokenExpiresAt: Date.now() + 7_200_000,
    refreshToken: 'ur-' + randomBytes(1536).toString('base64url'),
    refreshTokenExpiresAt: Date.now() + 86_400_000,
    issuer: 'v2',
    updatedAt: Date.now(),
  };
}

describe('EncryptingTokenStore', () => {
  let backend: InMemoryTokenStore;
  let warnings: string[];

  const encrypting = (options: FeishuEncryptionOptions) =>
    new EncryptingTokenStore(backend, options);

  beforeEach(() => {
    backend = new InMemoryTokenStore();
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  describe('at rest', () => {
    it('should store no plaintext access or refresh token of a user', async () => {
      const record = userRecord('ou_1');
      await encrypting({ keys: [NEW_KEY] }).setUserToken(record, 3600);

      const atRest = JSON.stringify(await backend.getUserToken(APP_ID, 'ou_1'));
      expect(atRest).not.toContain(record.accessToken);
      expect(atRest).not.toContain(record.refreshToken);
      expect(atRest).not.toContain(record.accessToken.slice(2, 40));
      expect((await backend.getUserToken(APP_ID, 'ou_1'))?.accessToken).toMatch(
        new RegExp(`^v1\\.${SEALED_ID_2026}\\.[\\w-]{16}\\.[\\w-]{22}\\.[\\w-]+$`),
      );
    });

    it('should store no plaintext app token, tenant token or app_ticket', async () => {
      const store = encrypting({ keys: [NEW_KEY] });
      await store.setToken('tenant:cli_a:tk1', {
        token: 't-secret-tenant-token',
        expiresAt: Date.now() + 60_000,
      });
      await store.setAppTicket('cli_a', 'secret-app-ticket', Date.now());

      expect((await backend.getToken('tenant:cli_a:tk1'))?.token).not.toContain('secret');
      expect(await backend.getAppTicket('cli_a')).not.toContain('secret');
      expect(await store.getToken('tenant:cli_a:tk1')).toMatchObject({
        token: 't-secret-tenant-token',
      });
      expect(await store.getAppTicket('cli_a')).toBe('secret-app-ticket');
    });

    it('should seal the same token differently each time (random IV)', async () => {
      const store = encrypting({ keys: [NEW_KEY] });
      await store.setToken('app:a', { token: 'same', expiresAt: Date.now() + 60_000 });
      const first = (await backend.getToken('app:a'))?.token;
      await store.setToken('app:a', { token: 'same', expiresAt: Date.now() + 60_000 });

      expect((await backend.getToken('app:a'))?.token).not.toBe(first);
    });

    it('should pass sessions through unchanged (they hold no token)', async () => {
      const store = encrypting({ keys: [NEW_KEY] });
      const profile = { openId: 'ou_1', unionId: 'on_1', tenantKey: 'tk1', name: 'A' };
      await store.setSession({ id: 's1', openId: 'ou_1', profile, createdAt: 1, expiresAt: 2 }, 60);

      expect((await backend.getSession('s1'))?.profile).toEqual(profile);
    });
  });

  describe('key rotation', () => {
    it('should read values sealed with an older key that is still configured', async () => {
      const record = userRecord('ou_1');
      await encrypting({ keys: [OLD_KEY] }).setUserToken(record, 3600);

      const rotated = encrypting({ keys: [NEW_KEY, OLD_KEY] });

      expect(await rotated.getUserToken(APP_ID, 'ou_1')).toEqual(record);
    });

    it('should seal new values with the first key', async () => {
      await encrypting({ keys: [NEW_KEY, OLD_KEY] }).setToken('app:a', {
        token: 'x',
        expiresAt: Date.now() + 60_000,
      });

      expect((await backend.getToken('app:a'))?.token.startsWith(`v1.${SEALED_ID_2026}.`)).toBe(
        true,
      );
    });

    it('should treat a value sealed with a key no longer configured as absent, with a warning naming the key id', async () => {
      const record = userRecord('ou_1');
      await encrypting({ keys: [OLD_KEY] }).setUserToken(record, 3600);

      expect(await encrypting({ keys: [NEW_KEY] }).getUserToken(APP_ID, 'ou_1')).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('"k2025"');
      expect(warnings[0]).toContain('ou_1');
      expect(warnings[0]).not.toContain(record.accessToken.slice(0, 20));
    });
  });

  describe('tampering', () => {
    it('should treat an altered ciphertext as absent, with a warning and no crash', async () => {
      const store = encrypting({ keys: [NEW_KEY] });
      await store.setToken('app:a', { token: 'genuine', expiresAt: Date.now() + 60_000 });
      const sealed = (await backend.getToken('app:a'))!;
      const parts = sealed.token.split('.');
      const flipped = Buffer.from(parts[4]!, 'base64url');
      flipped[0] = flipped[0]! ^ 1;
      parts[4] = flipped.toString('base64url');
      await backend.setToken('app:a', { ...sealed, token: parts.join('.') });

      expect(await store.getToken('app:a')).toBeUndefined();
      expect(warnings).toEqual([expect.stringContaining('does not authenticate')]);
    });

    it('should refuse a token copied from another record (bound to where it was written)', async () => {
      const store = encrypting({ keys: [NEW_KEY] });
      await store.setUserToken(userRecord('ou_victim'), 3600);
      await store.setUserToken(userRecord('ou_attacker'), 3600);
      const victim = (await backend.getUserToken(APP_ID, 'ou_victim'))!;
      const attacker = (await backend.getUserToken(APP_ID, 'ou_attacker'))!;
      await backend.setUserToken({ ...attacker, accessToken: victim.accessToken }, 3600);

      expect(await store.getUserToken(APP_ID, 'ou_attacker')).toBeUndefined();
    });

    it('should refuse a record copied under another app (bound to the app that wrote it)', async () => {
      const store = encrypting({ keys: [NEW_KEY] });
      const record = userRecord('ou_1');
      await store.setUserToken(record, 3600);
      const sealed = (await backend.getUserToken(APP_ID, 'ou_1'))!;
      await backend.setUserToken({ ...sealed, appId: 'cli_other_app' }, 3600);

      expect(await store.getUserToken('cli_other_app', 'ou_1')).toBeUndefined();
      expect(await store.getUserToken(APP_ID, 'ou_1')).toEqual(record);
    });

    it('should refuse a value relabelled with another configured key id', async () => {
      const store = encrypting({ keys: [NEW_KEY, OLD_KEY] });
      await store.setToken('app:a', { token: 'genuine', expiresAt: Date.now() + 60_000 });
      const sealed = (await backend.getToken('app:a'))!;
      await backend.setToken('app:a', {
        ...sealed,
        token: sealed.token.replace(`v1.${SEALED_ID_2026}.`, `v1.${SEALED_ID_2025}.`),
      });

      expect(await store.getToken('app:a')).toBeUndefined();
    });

    it.each(['plaintext-written-before-encryption', `v1.${SEALED_ID_2026}.x.y.z`, 'v1.a2V5..', ''])(
      'should treat the stored value %p as absent',
      async (stored) => {
        await backend.setToken('app:a', { token: stored, expiresAt: Date.now() + 60_000 });

        expect(await encrypting({ keys: [NEW_KEY] }).getToken('app:a')).toBeUndefined();
        expect(warnings).toHaveLength(1);
      },
    );
  });

  describe('compare-and-delete', () => {
    it('should compare plaintexts: delete when the stored token is the one named', async () => {
      const store = encrypting({ keys: [NEW_KEY] });
      await store.setToken('tenant:a:t', { token: 'current', expiresAt: Date.now() + 60_000 });

      await store.deleteToken('tenant:a:t', 'stale');
      expect(await store.getToken('tenant:a:t')).toBeDefined();

      await store.deleteToken('tenant:a:t', 'current');
      expect(await backend.getToken('tenant:a:t')).toBeUndefined();
    });

    it('should keep a token another instance wrote between the read and the delete', async () => {
      const store = encrypting({ keys: [NEW_KEY] });
      await store.setToken('tenant:a:t', { token: 'old', expiresAt: Date.now() + 60_000 });
      const innerDelete = backend.deleteToken.bind(backend);
      jest.spyOn(backend, 'deleteToken').mockImplementation(async (key, onlyIfToken) => {
        await store.setToken(key, { token: 'new', expiresAt: Date.now() + 60_000 });
        await innerDelete(key, onlyIfToken);
      });

      await store.deleteToken('tenant:a:t', 'old');

      expect(await store.getToken('tenant:a:t')).toMatchObject({ token: 'new' });
    });
  });

  describe('configuration', () => {
    it.each([
      ['no keys', { keys: [] }],
      ['a short key', { keys: [{ id: 'k', key: randomBytes(16).toString('base64') }] }],
      ['an empty key id', { keys: [{ id: '', key: NEW_KEY.key }] }],
      ['a duplicate key id', { keys: [NEW_KEY, { ...OLD_KEY, id: NEW_KEY.id }] }],
      [
        'a key that is not base64 or hex',
        { keys: [{ id: 'k', key: 'correct horse battery staple!!' }] },
      ],
    ])(
      'should refuse %s with a FeishuConfigError that does not echo the key',
      (_label, options) => {
        let error: unknown;
        try {
          encrypting(options as FeishuEncryptionOptions);
        } catch (caught) {
          error = caught;
        }

        expect(error).toBeInstanceOf(FeishuConfigError);
        for (const entry of (options as FeishuEncryptionOptions).keys) {
          expect((error as Error).message).not.toContain(entry.key);
        }
      },
    );

    it('should accept any key id, dots and spaces included', async () => {
      const store = encrypting({ keys: [{ id: 'prod.2026 Q1', key: NEW_KEY.key }] });
      await store.setAppTicket('cli_a', 'ticket', Date.now());

      expect(await store.getAppTicket('cli_a')).toBe('ticket');
    });

    it('should accept base64url keys', async () => {
      const key = { id: 'url', key: randomBytes(32).toString('base64url') };
      const store = encrypting({ keys: [key] });
      await store.setAppTicket('cli_a', 'ticket', Date.now());

      expect(await store.getAppTicket('cli_a')).toBe('ticket');
    });
  });

  it('should close the store it wraps', async () => {
    const close = jest.spyOn(backend, 'close');

    await encrypting({ keys: [NEW_KEY] }).close();

    expect(close).toHaveBeenCalledTimes(1);
  });
});
