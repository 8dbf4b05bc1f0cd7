import { randomUUID } from 'node:crypto';
import { NearCache, type NearCacheOptions } from './near-cache.js';

/** The Pub/Sub channel Redis sends a tracking client's invalidations to, when redirected. */
export const INVALIDATION_CHANNEL = '__redis__:invalidate';

/** How soon the invalidation connection is opened again when it reached another server. */
const RECONNECT_ELSEWHERE_MS = 1000;

type Listener = (...args: unknown[]) => void;

/** What the near cache needs of a connection: an ioredis `Redis` client (not a `Cluster`). */
export interface TrackedConnection {
  readonly status: string;
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  on(event: string, listener: Listener): unknown;
  removeListener(event: string, listener: Listener): unknown;
}

/** The invalidation connection: RESP2, so that Redis sends it invalidations as Pub/Sub messages. */
export interface InvalidationConnection extends TrackedConnection {
  subscribe(channel: string): Promise<unknown>;
  ping(): Promise<unknown>;
  /** With `true`, ioredis connects again at once. */
  disconnect(reconnect?: boolean): void;
}

/** An ioredis `Redis` client that can open a second connection like itself. */
export interface DuplicableConnection extends TrackedConnection {
  readonly isCluster?: boolean;
  duplicate(override: Record<string, unknown>): InvalidationConnection;
}

/** True for a client whose reads the near cache can follow: one ioredis `Redis` connection. */
export function canTrack(client: object): client is DuplicableConnection {
  const candidate = client as Partial<DuplicableConnection>;
  return (
    candidate.isCluster !== true &&
    typeof candidate.duplicate === 'function' &&
    typeof candidate.call === 'function' &&
    typeof candidate.on === 'function' &&
    typeof candidate.removeListener === 'function'
  );
}

/**
 * A near cache for one ioredis connection, kept coherent by Redis itself (server-assisted
 * client-side caching): the data connection runs `CLIENT TRACKING ON REDIRECT <id>`, so Redis
 * remembers the keys it read and sends the name of each one that changes (written, deleted,
 * expired, evicted, or `null` for a flush) to a second connection subscribed to
 * `__redis__:invalidate`. Records are served from memory only while both connections are up and
 * tracking is on; whenever either drops, everything kept is dropped and reads go to Redis until
 * tracking is on again. The TTL cap bounds how long a record is served if a message were lost.
 * Internal to `RedisTokenStore`.
 */
export class RedisNearCache {
  private readonly cache: NearCache;
  private readonly invalidations: InvalidationConnection;
  private readonly listeners: [TrackedConnection, string, Listener][] = [];
  /** Bumped whenever tracking stops: a `CLIENT TRACKING` answered after that does not turn it on. */
  private generation = 0;
  private subscriberId?: string;
  private tracking = false;
  private closed = false;
  /** The invalidation connection's name, to find it from the data connection's server. */
  private readonly name = `feishu-near-cache-${randomUUID()}`;
  private reconnectTimer?: NodeJS.Timeout;

  constructor(
    private readonly data: DuplicableConnection,
    options: NearCacheOptions = {},
    now?: () => number,
  ) {
    this.cache = new NearCache(options, now);
    this.invalidations = data.duplicate({
      protocol: 2,
      autoResubscribe: false,
      connectionName: this.name,
    });
    this.listen(this.invalidations, 'messageBuffer', (channel: unknown, message: unknown) =>
      this.onMessage(channel, message),
    );
    this.listen(this.invalidations, 'error', () => undefined);
    this.listen(this.invalidations, 'ready', () => void this.subscribe());
    this.listen(this.data, 'ready', () => void this.track());
    for (const connection of [this.data, this.invalidations]) {
      for (const event of ['close', 'reconnecting', 'end']) {
        this.listen(connection, event, () => this.stop(connection === this.invalidations));
      }
    }
    if (this.invalidations.status === 'ready') void this.subscribe();
  }

  /** True while records are served from memory. */
  get active(): boolean {
    return this.tracking;
  }

  /** The kept record of `key`, else what `load` reads from Redis (kept if tracking stays on). */
  async read<T extends object>(
    key: string,
    load: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    if (!this.tracking) return load();
    const kept = this.cache.get<T>(key);
    if (kept !== undefined) return kept;
    const ticket = this.cache.ticket(key);
    return this.cache.fill(key, ticket, await load());
  }

  /** This instance changed `key`: call before and after the write, so no read around it is kept. */
  forget(key: string): void {
    this.cache.invalidate(key);
  }

  /**
   * Resolves once every invalidation Redis sent before now has been applied (a `PING` on the
   * invalidation connection, answered after them). After a lock is taken, the records kept are
   * then at least as new as the writes made before the lock was released.
   */
  async barrier(): Promise<void> {
    if (!this.tracking) return;
    try {
      await this.invalidations.ping();
    } catch {
      this.stop(true);
    }
  }

  /** Stops tracking and closes the invalidation connection. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.stop(true);
    for (const [connection, event, listener] of this.listeners.splice(0)) {
      connection.removeListener(event, listener);
    }
    if (this.data.status === 'ready') {
      await this.data.call('CLIENT', 'TRACKING', 'OFF').catch(() => undefined);
    }
    this.invalidations.disconnect();
  }

  private listen(connection: TrackedConnection, event: string, listener: Listener): void {
    connection.on(event, listener);
    this.listeners.push([connection, event, listener]);
  }

  /** The invalidation connection is (again) up: learn its id, subscribe, then track. */
  private async subscribe(): Promise<void> {
    const generation = this.generation;
    try {
      const id = String(await this.invalidations.call('CLIENT', 'ID'));
      await this.invalidations.subscribe(INVALIDATION_CHANNEL);
      if (generation !== this.generation) return;
      this.subscriberId = id;
      await this.track();
    } catch {
      // Tracking stays off (e.g. CLIENT refused by an ACL): every read goes to Redis.
    }
  }

  /** Turns tracking on for the data connection, redirected to the invalidation connection. */
  private async track(): Promise<void> {
    const id = this.subscriberId;
    if (this.closed || id === undefined || this.data.status !== 'ready') return;
    const generation = this.generation;
    try {
      // Both connections must reach the same server (after a Sentinel failover one may not yet).
      const peer = String(await this.data.call('CLIENT', 'LIST', 'ID', id));
      if (!peer.includes(` name=${this.name} `)) {
        this.reconnectInvalidations();
        return;
      }
      await this.data.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', id);
    } catch {
      return;
    }
    if (generation !== this.generation || this.subscriberId !== id) return;
    this.tracking = true;
  }

  /** Opens the invalidation connection again soon, so that it reaches the data connection's server. */
  private reconnectInvalidations(): void {
    if (this.reconnectTimer !== undefined) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.closed) this.invalidations.disconnect(true);
    }, RECONNECT_ELSEWHERE_MS);
    this.reconnectTimer.unref();
  }

  /** A connection dropped (or the cache closes): nothing kept may be served any more. */
  private stop(invalidationConnection: boolean): void {
    this.generation += 1;
    this.tracking = false;
    if (invalidationConnection) this.subscriberId = undefined;
    this.cache.clear();
  }

  private onMessage(channel: unknown, message: unknown): void {
    if (String(channel) !== INVALIDATION_CHANNEL) return;
    if (Array.isArray(message)) {
      for (const key of message) this.cache.invalidate(String(key));
    } else if (Buffer.isBuffer(message)) {
      this.cache.invalidate(message.toString());
    } else {
      // `null`: the database was flushed (FLUSHALL / FLUSHDB), every key may have changed.
      this.cache.clear();
    }
  }
}
