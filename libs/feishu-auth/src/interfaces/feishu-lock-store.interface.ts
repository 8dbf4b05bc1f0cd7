/**
 * Store role: leased locks across instances. They make one instance refresh a token while the
 * others wait for its result, and they mark a login's state as used (claimed once at its callback).
 * A lock is atomic (at most one owner at a time) and leased (a lock whose owner died frees itself).
 *
 * @publicApi
 */
export interface FeishuLockStore {
  /**
   * Returns an owner id when the lock was free (now held for `leaseMs`), otherwise `undefined`.
   * Keys are the token's own (`app:<appId>`, `user:<appId>:<openId>` …), or `login:<hash>` for a
   * login's state, claimed once at its callback and never released: keep locks apart from the
   * other kinds of entries.
   */
  acquireLock(key: string, leaseMs: number): Promise<string | undefined>;
  /** Frees the lock only for the owner that holds it; anyone else's release does nothing. */
  releaseLock(key: string, owner: string): Promise<void>;
}
