import type { FeishuTokenEndpoint } from './feishu-auth-module-options.interface.js';
import type { FeishuProfile } from './feishu-profile.interface.js';

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

/** Which token endpoint family issued a user's refresh token; it must be refreshed on the same one. */
export type FeishuTokenIssuer = FeishuTokenEndpoint;

/**
 * One user's tokens, held by one app. Keyed by `appId` and `openId`: apps sharing a store never
 * read, replace or delete each other's users, whatever their open_ids. `accessToken` and
 * `refreshToken` are opaque to the store.
 *
 * @publicApi
 */
export interface FeishuUserTokenRecord {
  /** The app that holds these tokens (and whose app secret refreshes them). */
  appId: string;
  openId: string;
  tenantKey: string;
  accessToken: string;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number;
  /** Absent when the app lacks `offline_access`: the user must log in again when the token expires. */
  refreshToken?: string;
  /** Epoch milliseconds. */
  refreshTokenExpiresAt?: number;
  scope?: string;
  issuer: FeishuTokenIssuer;
  /** Epoch milliseconds of the last write; lets a waiting instance see that another one refreshed. */
  updatedAt: number;
}

/**
 * What `setUserToken` may resolve to. A store that replicates answers `{ replicated: false }` when
 * it kept the record on its primary but no replica confirmed it in time: a failover now would bring
 * back the refresh token Feishu has just retired, so the library reports it. Other stores resolve
 * nothing (or `{ replicated: true }`).
 *
 * @publicApi
 */
export interface FeishuUserTokenWrite {
  replicated: boolean;
}

/**
 * A browser session. The cookie carries only `id` (signed); everything else stays server-side.
 *
 * @publicApi
 */
export interface FeishuSessionRecord {
  id: string;
  openId: string;
  profile: FeishuProfile;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * Everything the library keeps between requests. `InMemoryTokenStore` (the default) and
 * `RedisTokenStore` implement it; implement it yourself to keep tokens in Postgres, DynamoDB …
 *
 * Rules every implementation must follow (the contract test suite checks them):
 * - Values are returned as they were written (the library encrypts tokens itself when asked to).
 * - Entries whose TTL has passed are never returned.
 * - `setAppTicket` never replaces a ticket issued later; `claimEvent` gives an id to one caller.
 * - `acquireLock` is atomic and leased: at most one owner at a time, and a lock whose owner died
 *   frees itself when `leaseMs` has passed. `releaseLock` frees it only for the owner that holds it.
 * - `getDue` costs time in proportion to what it returns, not to everything stored.
 * - A store that cannot reach its backend throws `FeishuStoreUnavailableError` (answered as 503).
 *
 * @publicApi
 */
export interface FeishuTokenStore {
  /** App and tenant tokens. Keys are chosen by the library, e.g. `tenant:<appId>:<tenantKey>`. */
  getToken(key: string): Promise<FeishuCachedToken | undefined>;
  setToken(key: string, value: FeishuCachedToken): Promise<void>;
  /** Deletes the token; when `onlyIfToken` is given, only if the stored token is still that one. */
  deleteToken(key: string, onlyIfToken?: string): Promise<void>;

  /** The latest app_ticket Feishu pushed to a store app (any instance may have received it). */
  getAppTicket(appId: string): Promise<string | undefined>;
  /**
   * Stores the ticket unless the stored one was issued later, in one atomic step; `issuedAt` is the
   * event's create time (epoch ms). Resolves whether the ticket was stored (a tie replaces).
   */
  setAppTicket(appId: string, ticket: string, issuedAt: number): Promise<boolean>;

  /**
   * Records that an event (`<appId>:<event id>`) is being handled, for `ttlSeconds`. Resolves `true`
   * the first time, `false` while the id is recorded: of concurrent claims, exactly one gets `true`.
   */
  claimEvent(eventKey: string, ttlSeconds: number): Promise<boolean>;

  /** The user's record held by `appId`; another app's record of the same open_id is not it. */
  getUserToken(appId: string, openId: string): Promise<FeishuUserTokenRecord | undefined>;
  /**
   * Writes the record under its `appId` and `openId`; it expires after `ttlSeconds` (the refresh
   * token's remaining life). A replicating store confirms the write reached a replica before it
   * resolves, and says when it could not (see `FeishuUserTokenWrite`).
   */
  setUserToken(
    record: FeishuUserTokenRecord,
    ttlSeconds: number,
  ): Promise<void | FeishuUserTokenWrite>;
  deleteUserToken(appId: string, openId: string): Promise<void>;

  getSession(id: string): Promise<FeishuSessionRecord | undefined>;
  setSession(record: FeishuSessionRecord, ttlSeconds: number): Promise<void>;
  deleteSession(id: string): Promise<void>;

  /**
   * Returns an owner id when the lock was free (now held for `leaseMs`), otherwise `undefined`.
   * Keys are the token's own (`app:<appId>`, `user:<appId>:<openId>` …), or `login:<hash>` for a
   * login's state, claimed once at its callback and never released: keep locks apart from the
   * other kinds of entries.
   */
  acquireLock(key: string, leaseMs: number): Promise<string | undefined>;
  releaseLock(key: string, owner: string): Promise<void>;

  /**
   * The due index: `member` (e.g. `user:<appId>:<openId>`) should be refreshed at `dueAt` (epoch
   * ms). Apps may share one index; each renews only the members that name it.
   */
  scheduleRefresh(member: string, dueAt: number): Promise<void>;
  unscheduleRefresh(member: string): Promise<void>;
  /** Up to `limit` members whose `dueAt` is at or before `now`, earliest first; they stay indexed. */
  getDue(now: number, limit: number): Promise<string[]>;

  /** Frees connections and timers; called on application shutdown. */
  close?(): Promise<void>;
}

/**
 * Injection token of the store in use (same name as the interface, as `@nestjs/throttler`
 * does with `ThrottlerStorage`): `@Inject(FeishuTokenStore) store: FeishuTokenStore`.
 *
 * @publicApi
 */
export const FeishuTokenStore = Symbol('FeishuTokenStore');
