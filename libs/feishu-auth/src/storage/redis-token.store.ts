import type {
  FeishuCachedToken,
  FeishuSessionRecord,
  FeishuTokenStore,
  FeishuUserTokenRecord,
  FeishuUserTokenWrite,
} from '../interfaces/feishu-token-store.interface.js';
import { RedisAppTickets } from './redis-app-tickets.js';
import { RedisConnection } from './redis-connection.js';
import { RedisEventClaims } from './redis-event-claims.js';
import { RedisLocks } from './redis-locks.js';
import { canTrack, RedisNearCache } from './redis-near-cache.js';
import { RedisRefreshSchedule } from './redis-refresh-schedule.js';
import { RedisSessions } from './redis-sessions.js';
import { RedisTokenCache } from './redis-token-cache.js';
import type { RedisTokenStoreOptions } from './redis-token-store.client.js';
import { resolveRedisTokenStoreSettings } from './redis-token-store.settings.js';
import { RedisUserTokens, userId } from './redis-user-tokens.js';

/**
 * A store in Redis, shared by every instance of an app: a login may start on one instance and finish
 * on another, and one refresh lock serves them all.
 *
 * Each role of `FeishuTokenStore` has its own class over one `RedisConnection`, with its own keys
 * under `keyPrefix`: `token:<key>` (`RedisTokenCache`), `ticket:<appId>` (`RedisAppTickets`),
 * `event:<appId>:<event id>` (`RedisEventClaims`), `user:<appId>:<openId>` (`RedisUserTokens`),
 * `session:<id>` (`RedisSessions`), `lock:<key>` (`RedisLocks`), and the due index `due` or, on a
 * Cluster, 16 buckets `due:{<tag>}` (`RedisRefreshSchedule`). Every method is one command or one
 * single-key script (one per bucket for `getDue`), so none of them scans the keyspace and all of
 * them run on a Cluster.
 *
 * A user's record holds a single-use refresh token: where its master has replicas, the write is
 * followed by `WAIT 1 <replicaAckTimeoutMs>` on the same connection, and `setUserToken` resolves to
 * `{ replicated: false }` when no replica confirmed it in time.
 *
 * Sessions and user records are served from a near cache in process memory while Redis tracks them
 * (`RedisNearCache`: invalidated by Redis, at most `nearCache.ttlMs` old, off whenever tracking is).
 *
 * When Redis cannot be reached every method rejects with `FeishuStoreUnavailableError` within
 * `commandTimeoutMs` (at once while the client is known to be reconnecting), and the store works
 * again as soon as the client has reconnected.
 *
 * @publicApi
 */
export class RedisTokenStore implements FeishuTokenStore {
  private readonly connection: RedisConnection;
  private readonly tokens: RedisTokenCache;
  private readonly tickets: RedisAppTickets;
  private readonly events: RedisEventClaims;
  private readonly users: RedisUserTokens;
  private readonly sessions: RedisSessions;
  private readonly locks: RedisLocks;
  private readonly schedule: RedisRefreshSchedule;
  /** Attached once the client is made, if it is one connection Redis can track. */
  private nearCache?: RedisNearCache;

  constructor(options: RedisTokenStoreOptions) {
    const settings = resolveRedisTokenStoreSettings(options);
    this.connection = new RedisConnection(options, settings);
    this.tokens = new RedisTokenCache(this.connection);
    this.tickets = new RedisAppTickets(this.connection);
    this.events = new RedisEventClaims(this.connection);
    this.users = new RedisUserTokens(this.connection, settings);
    this.sessions = new RedisSessions(this.connection);
    this.locks = new RedisLocks(this.connection);
    this.schedule = new RedisRefreshSchedule(this.connection);
    if (options.nearCache === false) return;
    this.connection.whenClient().then(
      (client) => {
        if (canTrack(client)) this.nearCache = new RedisNearCache(client, options.nearCache || {});
      },
      () => undefined,
    );
  }

  getToken(key: string): Promise<FeishuCachedToken | undefined> {
    return this.tokens.getToken(key);
  }

  setToken(key: string, value: FeishuCachedToken): Promise<void> {
    return this.tokens.setToken(key, value);
  }

  deleteToken(key: string, onlyIfToken?: string): Promise<void> {
    return this.tokens.deleteToken(key, onlyIfToken);
  }

  getAppTicket(appId: string): Promise<string | undefined> {
    return this.tickets.getAppTicket(appId);
  }

  setAppTicket(appId: string, ticket: string, issuedAt: number): Promise<boolean> {
    return this.tickets.setAppTicket(appId, ticket, issuedAt);
  }

  claimEvent(eventKey: string, ttlSeconds: number): Promise<boolean> {
    return this.events.claimEvent(eventKey, ttlSeconds);
  }

  getUserToken(appId: string, openId: string): Promise<FeishuUserTokenRecord | undefined> {
    return this.cached('user', userId(appId, openId), () => this.users.getUserToken(appId, openId));
  }

  setUserToken(
    record: FeishuUserTokenRecord,
    ttlSeconds: number,
  ): Promise<FeishuUserTokenWrite | undefined> {
    return this.changing('user', userId(record.appId, record.openId), () =>
      this.users.setUserToken(record, ttlSeconds),
    );
  }

  deleteUserToken(appId: string, openId: string): Promise<void> {
    return this.changing('user', userId(appId, openId), () =>
      this.users.deleteUserToken(appId, openId),
    );
  }

  getSession(id: string): Promise<FeishuSessionRecord | undefined> {
    return this.cached('session', id, () => this.sessions.getSession(id));
  }

  setSession(record: FeishuSessionRecord, ttlSeconds: number): Promise<void> {
    return this.changing('session', record.id, () => this.sessions.setSession(record, ttlSeconds));
  }

  deleteSession(id: string): Promise<void> {
    return this.changing('session', id, () => this.sessions.deleteSession(id));
  }

  async acquireLock(key: string, leaseMs: number): Promise<string | undefined> {
    const owner = await this.locks.acquireLock(key, leaseMs);
    // The holder reads what the previous holder wrote, never a record kept from before it.
    if (owner !== undefined) await this.nearCache?.barrier();
    return owner;
  }

  releaseLock(key: string, owner: string): Promise<void> {
    return this.locks.releaseLock(key, owner);
  }

  scheduleRefresh(member: string, dueAt: number): Promise<void> {
    return this.schedule.scheduleRefresh(member, dueAt);
  }

  unscheduleRefresh(member: string): Promise<void> {
    return this.schedule.unscheduleRefresh(member);
  }

  getDue(now: number, limit: number): Promise<string[]> {
    return this.schedule.getDue(now, limit);
  }

  /** Quits the client only if the store created it from `url`; a client you passed stays yours. */
  async close(): Promise<void> {
    // The near cache, if any, is attached once the client is made: so by now.
    await this.connection.whenClient().catch(() => undefined);
    await this.nearCache?.close();
    return this.connection.close();
  }

  /** A session or user record: from the near cache while Redis tracks it, else from Redis. */
  private cached<T extends object>(
    kind: 'session' | 'user',
    id: string,
    load: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const near = this.nearCache;
    return near ? near.read(this.connection.key(kind, id), load) : load();
  }

  /** A write of a record the near cache may hold: no read around it is kept. */
  private async changing<T>(
    kind: 'session' | 'user',
    id: string,
    write: () => Promise<T>,
  ): Promise<T> {
    const key = this.connection.key(kind, id);
    this.nearCache?.forget(key);
    try {
      return await write();
    } finally {
      this.nearCache?.forget(key);
    }
  }
}
