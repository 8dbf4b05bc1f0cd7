import { LRUCache } from 'lru-cache';
import { unsignValue, type FeishuSignedPurpose } from './feishu-cookie.util.js';

/** Signed references (cookie or `X-Feishu-Session` values) this instance remembers having verified. */
const MAX_VERIFIED_REFERENCES = 10_000;

/**
 * A session reference whose signature verified: the session id, and the user and tenant it belongs
 * to once this instance has read the session (a session's user never changes, so they cannot go
 * stale).
 *
 * @publicApi
 */
export interface FeishuSessionReference {
  readonly id: string;
  openId?: string;
  tenantKey?: string;
}

/**
 * Verifies signed session references of one purpose (cookie or session token: each has its own
 * cache), remembering the exact strings that verified so a returning
 * client costs no HMAC. Only a string a secret verified is ever remembered: a forged or tampered
 * one misses, is checked in full and refused, so the cache is never a path around the signature.
 * Bounded (least recently used first out); the secrets are fixed for the instance's life.
 */
export class SessionReferenceCache {
  private readonly verified = new LRUCache<string, FeishuSessionReference>({
    max: MAX_VERIFIED_REFERENCES,
  });

  constructor(
    private readonly secrets: readonly string[],
    private readonly purpose: FeishuSignedPurpose,
  ) {}

  /** The reference `signed` carries, or `undefined` when no secret verifies it. */
  verify(signed: string): FeishuSessionReference | undefined {
    const known = this.verified.get(signed);
    if (known !== undefined) {
      return known;
    }
    const id = unsignValue(signed, this.secrets, this.purpose);
    if (id === undefined) {
      return undefined;
    }
    const reference: FeishuSessionReference = { id };
    this.verified.set(signed, reference);
    return reference;
  }
}
