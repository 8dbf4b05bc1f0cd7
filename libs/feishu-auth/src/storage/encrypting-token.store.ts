import { Logger } from '@nestjs/common';
import type { FeishuEncryptionOptions } from '../interfaces/feishu-auth-module-options.interface.js';
import type {
  FeishuCachedToken,
  FeishuSessionRecord,
  FeishuTokenStore,
  FeishuUserTokenRecord,
  FeishuUserTokenWrite,
} from '../interfaces/feishu-token-store.interface.js';
import { undecryptableValueMessage } from './storage.messages.js';
import { TokenCipher, type TokenCipherFailure } from './token-cipher.js';

const FAILURE_REASONS: Record<TokenCipherFailure, (keyId?: string) => string> = {
  'not-sealed': () =>
    'it is not in the sealed format (written before encryption was enabled, or not by this library)',
  'unknown-key': (keyId) => `it was sealed with key id ${keyId}, which is not in encryption.keys`,
  tampered: (keyId) =>
    `it does not authenticate under key id ${keyId} (altered, moved between records, or a wrong key)`,
};

/**
 * Encrypts at rest what grants access to Feishu, around any other store: the access and refresh
 * tokens of user records, the app and tenant tokens, and the app_ticket (a credential too: with the
 * app secret it obtains app tokens). AES-256-GCM, see `TokenCipher`.
 *
 * Sessions pass through in clear: a session holds the profile, no token.
 *
 * A value that cannot be opened (unknown key id, altered, written in clear) is treated as absent,
 * with a warning that names the record but never the value: for a user that means logging in again,
 * for an app or tenant token fetching a new one.
 *
 * @publicApi
 */
export class EncryptingTokenStore implements FeishuTokenStore {
  private readonly logger = new Logger(EncryptingTokenStore.name);
  private readonly cipher: TokenCipher;

  constructor(
    private readonly inner: FeishuTokenStore,
    options: FeishuEncryptionOptions,
  ) {
    this.cipher = new TokenCipher(options);
  }

  async getToken(key: string): Promise<FeishuCachedToken | undefined> {
    const stored = await this.inner.getToken(key);
    if (!stored) return undefined;
    const token = this.open(stored.token, tokenContext(key), `token "${key}"`);
    return token === undefined ? undefined : { ...stored, token };
  }

  async setToken(key: string, value: FeishuCachedToken): Promise<void> {
    await this.inner.setToken(key, {
      ...value,
      token: this.cipher.seal(value.token, tokenContext(key)),
    });
  }

  /**
   * The comparison is on plaintexts (every seal uses a fresh IV, so ciphertexts of one token
   * differ); the delete then names the exact ciphertext read, so the inner store's atomic
   * compare-and-delete still refuses if another instance wrote a new token in between.
   */
  async deleteToken(key: string, onlyIfToken?: string): Promise<void> {
    if (onlyIfToken === undefined) return this.inner.deleteToken(key);
    const stored = await this.inner.getToken(key);
    if (!stored) return;
    const token = this.open(stored.token, tokenContext(key), `token "${key}"`);
    if (token === onlyIfToken) await this.inner.deleteToken(key, stored.token);
  }

  async getAppTicket(appId: string): Promise<string | undefined> {
    const stored = await this.inner.getAppTicket(appId);
    return stored === undefined
      ? undefined
      : this.open(stored, ticketContext(appId), `app_ticket of ${appId}`);
  }

  async setAppTicket(appId: string, ticket: string, issuedAt: number): Promise<boolean> {
    return this.inner.setAppTicket(appId, this.cipher.seal(ticket, ticketContext(appId)), issuedAt);
  }

  claimEvent(eventKey: string, ttlSeconds: number): Promise<boolean> {
    return this.inner.claimEvent(eventKey, ttlSeconds);
  }

  async getUserToken(appId: string, openId: string): Promise<FeishuUserTokenRecord | undefined> {
    const stored = await this.inner.getUserToken(appId, openId);
    if (!stored) return undefined;
    const what = `tokens of user ${openId} of ${appId}`;
    const accessToken = this.open(stored.accessToken, userContext(stored, 'access'), what);
    if (accessToken === undefined) return undefined;
    if (stored.refreshToken === undefined) return { ...stored, accessToken };
    const refreshToken = this.open(stored.refreshToken, userContext(stored, 'refresh'), what);
    return refreshToken === undefined ? undefined : { ...stored, accessToken, refreshToken };
  }

  /** Passes on what the inner store answers (whether a replica confirmed the write). */
  async setUserToken(
    record: FeishuUserTokenRecord,
    ttlSeconds: number,
  ): Promise<void | FeishuUserTokenWrite> {
    const sealed: FeishuUserTokenRecord = {
      ...record,
      accessToken: this.cipher.seal(record.accessToken, userContext(record, 'access')),
    };
    if (record.refreshToken !== undefined) {
      sealed.refreshToken = this.cipher.seal(record.refreshToken, userContext(record, 'refresh'));
    }
    return this.inner.setUserToken(sealed, ttlSeconds);
  }

  deleteUserToken(appId: string, openId: string): Promise<void> {
    return this.inner.deleteUserToken(appId, openId);
  }

  getSession(id: string): Promise<FeishuSessionRecord | undefined> {
    return this.inner.getSession(id);
  }

  setSession(record: FeishuSessionRecord, ttlSeconds: number): Promise<void> {
    return this.inner.setSession(record, ttlSeconds);
  }

  deleteSession(id: string): Promise<void> {
    return this.inner.deleteSession(id);
  }

  acquireLock(key: string, leaseMs: number): Promise<string | undefined> {
    return this.inner.acquireLock(key, leaseMs);
  }

  releaseLock(key: string, owner: string): Promise<void> {
    return this.inner.releaseLock(key, owner);
  }

  scheduleRefresh(member: string, dueAt: number): Promise<void> {
    return this.inner.scheduleRefresh(member, dueAt);
  }

  unscheduleRefresh(member: string): Promise<void> {
    return this.inner.unscheduleRefresh(member);
  }

  getDue(now: number, limit: number): Promise<string[]> {
    return this.inner.getDue(now, limit);
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  private open(sealed: string, context: string, what: string): string | undefined {
    const result = this.cipher.open(sealed, context);
    if (result.ok) return result.plaintext;
    this.logger.warn(
      undecryptableValueMessage(what, FAILURE_REASONS[result.failure](result.keyId)),
    );
    return undefined;
  }
}

function tokenContext(key: string): string {
  return `token:${key}`;
}

function ticketContext(appId: string): string {
  return `app_ticket:${appId}`;
}

/** The app is sealed in too: a record copied to another app's key does not open. */
function userContext(
  record: Pick<FeishuUserTokenRecord, 'appId' | 'openId'>,
  kind: 'access' | 'refresh',
): string {
  return `user:${record.appId}:${record.openId}:${kind}`;
}
