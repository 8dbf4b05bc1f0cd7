/**
 * An app or tenant token as cached by the library. `token` is opaque to the store: when
 * encryption at rest is configured the library hands the store ciphertext.
 *
 * @publicApi
 */
export interface FeishuCachedToken {
  token: string;
  /** Epoch milliseconds at which Feishu stops accepting the token. */
  expiresAt: number;
  /**
   * Epoch milliseconds from which Feishu surely issues a new token instead of handing this one back
   * (its 30-minute rule, allowing for the answer's latency and rounding). Optional: a store that
   * drops it makes the library assume the rounding. Stores keep it as they keep `expiresAt`.
   */
  renewAt?: number;
}

/**
 * Store role: the cache of app and tenant tokens, shared by the instances of an app so that they
 * do not each fetch their own. An entry is never returned once its `expiresAt` has passed.
 *
 * @publicApi
 */
export interface FeishuTokenCache {
  /** Keys are chosen by the library, e.g. `app:<appId>` or `tenant:<appId>:<tenantKey>`. */
  getToken(key: string): Promise<FeishuCachedToken | undefined>;
  /** Replaces the entry; one whose `expiresAt` has already passed is not kept. */
  setToken(key: string, value: FeishuCachedToken): Promise<void>;
  /** Deletes the token; when `onlyIfToken` is given, only if the stored token is still that one. */
  deleteToken(key: string, onlyIfToken?: string): Promise<void>;
}
