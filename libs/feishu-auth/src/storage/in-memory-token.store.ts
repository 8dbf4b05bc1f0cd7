import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type {
  FeishuCachedToken,
  FeishuSessionRecord,
  FeishuTokenStore,
  FeishuUserTokenRecord,
} from '../interfaces/feishu-token-store.interface.js';
import { FeishuConfigError } from '../feishu-auth.errors.js';
import { DueIndex } from './due-index.js';
import { invalidStoreOptionMessage } from './storage.messages.js';

/** @publicApi */
export interface InMemoryTokenStoreOptions {
  /** Most user token records kept; the least recently used goes first. Default 100000. */
  maxUsers?: number;
  /** Most sessions kept (a user may be signed in on several browsers). Default 2 × `maxUsers`. */
  maxSessions?: number;
  /** Most app / tenant tokens kept (a store app has one tenant token per tenant). Default 10000. */
  maxTokens?: number;
  /** Time source in epoch ms. Default `Date.now`, read on every call so fake timers move it. */
  clock?: () => number;
}

const DEFAULT_MAX_USERS = 100_000;
const DEFAULT_MAX_TOKENS = 10_000;
const MAX_APP_TICKETS = 1_000;
/** Events are claimed only once authenticated (Feishu's own pace), so this cap is never reached in use. */
const MAX_HANDLED_EVENTS = 10_000;

interface HeldLock {
  owner: string;
}

interface StoredAppTicket {
  ticket: string;
  issuedAt: number;
}

/**
 * The default store: everything in this process's memory, so it suits one instance (tokens and
 * sessions are lost on restart, and instances do not share them; use `RedisTokenStore` for that).
 *
 * Bounded so a long-running process cannot grow without end: every kind of entry sits in an LRU
 * cache with a cap and expires with its TTL. Evicting a user record only means that user logs in
 * again. Time comes from `clock`, so TTLs and lock leases follow fake timers in tests.
 *
 * @publicApi
 */
export class InMemoryTokenStore implements FeishuTokenStore {
  private readonly clock: () => number;
  private readonly tokens: LRUCache<string, FeishuCachedToken>;
  private readonly appTickets: LRUCache<string, StoredAppTicket>;
  private readonly handledEvents: LRUCache<string, true>;
  private readonly users: LRUCache<string, FeishuUserTokenRecord>;
  private readonly sessions: LRUCache<string, FeishuSessionRecord>;
  private readonly locks: LRUCache<string, HeldLock>;
  private readonly dueIndex = new DueIndex();

  constructor(options: InMemoryTokenStoreOptions = {}) {
    this.clock = options.clock ?? (() => Date.now());
    const maxUsers = positiveInteger(options.maxUsers, DEFAULT_MAX_USERS, 'maxUsers');
    this.tokens = this.createCache(
      positiveInteger(options.maxTokens, DEFAULT_MAX_TOKENS, 'maxTokens'),
    );
    this.appTickets = this.createCache(MAX_APP_TICKETS);
    this.handledEvents = this.createCache(MAX_HANDLED_EVENTS);
    this.users = this.createCache(maxUsers);
    this.sessions = this.createCache(
      positiveInteger(options.maxSessions, maxUsers * 2, 'maxSessions'),
    );
    // A lock per user being refreshed at once, and per login state claimed in the last 10 minutes;
    // the cap only guards against a leak.
    this.locks = this.createCache(maxUsers);
  }

  async getToken(key: string): Promise<FeishuCachedToken | undefined> {
    return copyIfPresent(this.tokens.get(key), copyFlat);
  }

  async setToken(key: string, value: FeishuCachedToken): Promise<void> {
    this.putWithTtl(this.tokens, key, copyFlat(value), value.expiresAt - this.clock());
  }

  async deleteToken(key: string, onlyIfToken?: string): Promise<void> {
    if (onlyIfToken !== undefined && this.tokens.get(key)?.token !== onlyIfToken) return;
    this.tokens.delete(key);
  }

  async getAppTicket(appId: string): Promise<string | undefined> {
    return this.appTickets.get(appId)?.ticket;
  }

  async setAppTicket(appId: string, ticket: string, issuedAt: number): Promise<boolean> {
    // Compare and set in one synchronous step: no other call can interleave.
    const stored = this.appTickets.get(appId);
    if (stored !== undefined && stored.issuedAt > issuedAt) return false;
    this.appTickets.set(appId, { ticket, issuedAt });
    return true;
  }

  async claimEvent(eventKey: string, ttlSeconds: number): Promise<boolean> {
    if (this.handledEvents.has(eventKey)) return false;
    this.putWithTtl(this.handledEvents, eventKey, true, ttlSeconds * 1000);
    return true;
  }

  async getUserToken(appId: string, openId: string): Promise<FeishuUserTokenRecord | undefined> {
    return copyIfPresent(this.users.get(userKey(appId, openId)), copyFlat);
  }

  async setUserToken(record: FeishuUserTokenRecord, ttlSeconds: number): Promise<void> {
    const key = userKey(record.appId, record.openId);
    this.putWithTtl(this.users, key, copyFlat(record), ttlSeconds * 1000);
  }

  async deleteUserToken(appId: string, openId: string): Promise<void> {
    this.users.delete(userKey(appId, openId));
  }

  async getSession(id: string): Promise<FeishuSessionRecord | undefined> {
    return copyIfPresent(this.sessions.get(id), copySession);
  }

  async setSession(record: FeishuSessionRecord, ttlSeconds: number): Promise<void> {
    this.putWithTtl(this.sessions, record.id, copySession(record), ttlSeconds * 1000);
  }

  async deleteSession(id: string): Promise<void> {
    this.sessions.delete(id);
  }

  async acquireLock(key: string, leaseMs: number): Promise<string | undefined> {
    if (this.locks.has(key)) return undefined;
    const owner = randomUUID();
    this.putWithTtl(this.locks, key, { owner }, leaseMs);
    return owner;
  }

  async releaseLock(key: string, owner: string): Promise<void> {
    if (this.locks.get(key)?.owner === owner) this.locks.delete(key);
  }

  async scheduleRefresh(member: string, dueAt: number): Promise<void> {
    this.dueIndex.schedule(member, dueAt);
  }

  async unscheduleRefresh(member: string): Promise<void> {
    this.dueIndex.unschedule(member);
  }

  async getDue(now: number, limit: number): Promise<string[]> {
    return this.dueIndex.due(now, limit);
  }

  async close(): Promise<void> {
    for (const cache of [
      this.tokens,
      this.appTickets,
      this.handledEvents,
      this.users,
      this.sessions,
    ]) {
      cache.clear();
    }
    this.locks.clear();
    this.dueIndex.clear();
  }

  private createCache<V extends object | string | true>(max: number): LRUCache<string, V> {
    // ttlResolution 0: read the clock on every access, so an entry is never served past its TTL.
    // No ttlAutopurge: expired entries are dropped when touched or evicted, so no timers run.
    return new LRUCache<string, V>({ max, ttlResolution: 0, perf: { now: () => this.clock() } });
  }

  /** A TTL already spent deletes the entry: `ttl: 0` would mean "never expires" to lru-cache. */
  private putWithTtl<V extends object | string | true>(
    cache: LRUCache<string, V>,
    key: string,
    value: V,
    ttlMs: number,
  ): void {
    if (!(ttlMs > 0)) {
      cache.delete(key);
      return;
    }
    cache.set(key, value, { ttl: Math.ceil(ttlMs) });
  }
}

/** App ids and open ids hold no newline. */
function userKey(appId: string, openId: string): string {
  return `${appId}\n${openId}`;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new FeishuConfigError(
      invalidStoreOptionMessage('InMemoryTokenStore', name, 'a positive integer'),
    );
  }
  return value;
}

/**
 * Callers get and give copies, as from a remote store: mutating one never changes what is stored.
 * The records are flat objects of strings and numbers (a session's profile is one level down), so a
 * spread copies them whole at a fraction of `structuredClone`'s cost on every read.
 */
function copyFlat<V extends object>(value: V): V {
  return { ...value };
}

function copySession(record: FeishuSessionRecord): FeishuSessionRecord {
  return { ...record, profile: { ...record.profile } };
}

function copyIfPresent<V>(value: V | undefined, copy: (value: V) => V): V | undefined {
  return value === undefined ? undefined : copy(value);
}
