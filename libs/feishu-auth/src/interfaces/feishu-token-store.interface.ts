import type { FeishuAppTicketStore } from './feishu-app-ticket-store.interface.js';
import type { FeishuEventClaimStore } from './feishu-event-claim-store.interface.js';
import type { FeishuLockStore } from './feishu-lock-store.interface.js';
import type { FeishuRefreshSchedule } from './feishu-refresh-schedule.interface.js';
import type { FeishuSessionStore } from './feishu-session-store.interface.js';
import type { FeishuTokenCache } from './feishu-token-cache.interface.js';
import type { FeishuUserTokenStore } from './feishu-user-token-store.interface.js';

export type { FeishuAppTicketStore } from './feishu-app-ticket-store.interface.js';
export type { FeishuEventClaimStore } from './feishu-event-claim-store.interface.js';
export type { FeishuLockStore } from './feishu-lock-store.interface.js';
export type { FeishuRefreshSchedule } from './feishu-refresh-schedule.interface.js';
export type { FeishuSessionRecord, FeishuSessionStore } from './feishu-session-store.interface.js';
export type { FeishuCachedToken, FeishuTokenCache } from './feishu-token-cache.interface.js';
export type {
  FeishuTokenIssuer,
  FeishuUserTokenRecord,
  FeishuUserTokenStore,
  FeishuUserTokenWrite,
} from './feishu-user-token-store.interface.js';

/**
 * Everything the library keeps between requests: the seven store roles joined, plus `close`.
 * `InMemoryTokenStore` (the default) and `RedisTokenStore` implement it; implement it yourself to
 * keep tokens in Postgres, DynamoDB … one role at a time (docs/stores.md):
 *
 * - `FeishuTokenCache`: `getToken`, `setToken`, `deleteToken` (app and tenant tokens);
 * - `FeishuAppTicketStore`: `getAppTicket`, `setAppTicket`;
 * - `FeishuEventClaimStore`: `claimEvent` (events handled once);
 * - `FeishuUserTokenStore`: `getUserToken`, `setUserToken`, `deleteUserToken`;
 * - `FeishuSessionStore`: `getSession`, `setSession`, `deleteSession`;
 * - `FeishuLockStore`: `acquireLock`, `releaseLock` (refresh coordination, used login states);
 * - `FeishuRefreshSchedule`: `scheduleRefresh`, `unscheduleRefresh`, `getDue` (the due index).
 *
 * Rules every implementation must follow (the contract suite of `@feishu-auth/nestjs/testing`
 * checks them, role by role):
 * - Values are returned as they were written (the library encrypts tokens itself when asked to).
 * - Entries whose TTL has passed are never returned.
 * - `setAppTicket` never replaces a ticket issued later; `claimEvent` gives an id to one caller.
 * - `acquireLock` is atomic and leased: at most one owner at a time, and a lock whose owner died
 *   frees itself when `leaseMs` has passed. `releaseLock` frees it only for the owner that holds it.
 * - `getDue` costs time in proportion to what it returns, not to everything stored.
 * - The roles keep their entries apart: a token, a user record, a session, a lock and an event
 *   with the same name are five entries.
 * - A store that cannot reach its backend throws `FeishuStoreUnavailableError` (answered as 503).
 *
 * @publicApi
 */
export interface FeishuTokenStore
  extends
    FeishuTokenCache,
    FeishuAppTicketStore,
    FeishuEventClaimStore,
    FeishuUserTokenStore,
    FeishuSessionStore,
    FeishuLockStore,
    FeishuRefreshSchedule {
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
