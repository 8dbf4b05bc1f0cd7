import type { NearCacheOptions } from './near-cache.js';

/**
 * A pipeline of the client: its commands go out together, on one connection (on a Cluster, to the
 * master of the pipeline's keys), so a `WAIT` counts the replicas that have the `SET` before it.
 *
 * @publicApi
 */
export interface RedisTokenStorePipeline {
  set(key: string, value: string, px: 'PX', milliseconds: number): RedisTokenStorePipeline;
  wait(numReplicas: number, timeoutMs: number): RedisTokenStorePipeline;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/**
 * One node of the deployment, as ioredis exposes it: a `Redis` client, or a node of a `Cluster`.
 *
 * @publicApi
 */
export interface RedisTokenStoreNode {
  readonly options: { host?: string; port?: number };
  role(): Promise<unknown[]>;
}

/**
 * The few commands `RedisTokenStore` sends, written out so that its published types do not import
 * ioredis (an optional peer): an ioredis `Redis` client (5 or 6, also one made for Sentinel) and an
 * ioredis `Cluster` have all of them.
 *
 * @publicApi
 */
export interface RedisTokenStoreClient {
  /** ioredis's connection state: `'ready'`, `'reconnecting'`, `'end'` … */
  readonly status: string;
  /** A `Redis` client's options, or a `Cluster`'s (whose nodes' options are `redisOptions`). */
  readonly options: {
    commandTimeout?: number;
    redisOptions?: { commandTimeout?: number };
  };
  /** `true` on an ioredis `Cluster`. */
  readonly isCluster?: boolean;
  /** On a `Cluster`: the nodes (`host:port`, the master first) serving each of the 16384 slots. */
  readonly slots?: readonly (readonly string[] | undefined)[];
  /** On a `Cluster`: its masters' connections. */
  nodes?(role: 'master'): RedisTokenStoreNode[];
  /**
   * On a `Cluster`: reads the slot table again. ioredis does it by itself after a redirection,
   * except for a pipeline whose commands did not all fail alike (a `SET` moved, its `WAIT` run).
   */
  refreshSlotsCache?(): void;
  role(): Promise<unknown[]>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  set(key: string, value: string, px: 'PX', milliseconds: number): Promise<unknown>;
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<'OK' | null>;
  del(key: string): Promise<number>;
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  zadd(key: string, score: number, member: string): Promise<unknown>;
  zrem(key: string, member: string): Promise<unknown>;
  zrangebyscore(
    key: string,
    min: string,
    max: number,
    limit: 'LIMIT',
    offset: number,
    count: number,
  ): Promise<string[]>;
  zrangebyscore(
    key: string,
    min: string,
    max: number,
    withScores: 'WITHSCORES',
    limit: 'LIMIT',
    offset: number,
    count: number,
  ): Promise<string[]>;
  pipeline(): RedisTokenStorePipeline;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/** @publicApi */
export interface RedisTokenStoreOptions {
  /** e.g. `'redis://127.0.0.1:6379'` or `'rediss://user:pass@host:6380/2'`; the store then owns the client. */
  url?: string;
  /**
   * An ioredis client you created (and close yourself): a `Redis` (also for Sentinel) or a
   * `Cluster`. Give it a `commandTimeout` (a Cluster: in `redisOptions`) and
   * `autoResendUnfulfilledCommands: false` if you want it to behave like the one made from `url`.
   */
  client?: RedisTokenStoreClient;
  /**
   * Prepended to every key, so several apps can share one Redis. Default `'feishu:'`. On a
   * Cluster, keep braces out of it: a hash tag in the prefix would put every key in one slot.
   */
  keyPrefix?: string;
  /**
   * How long one operation waits for Redis before failing with `FeishuStoreUnavailableError`.
   * Default 2000 ms.
   */
  commandTimeoutMs?: number;
  /**
   * After writing a user's tokens to a master that has replicas, wait (`WAIT 1`) until one replica
   * has them, so a failover cannot bring back the refresh token Feishu has just retired. Default
   * `true`. Turning it off is **unsafe**: each failover may then sign out the users refreshed in
   * its last moments (docs/stores.md).
   */
  waitForReplica?: boolean;
  /**
   * How long that `WAIT` lasts at most. When no replica confirms in time the tokens stay on the
   * master and the event is reported (`TokenService.status().unreplicatedWrites` and a warning).
   * Default 500 ms (at most half of `commandTimeoutMs`); must be less than `commandTimeoutMs`.
   */
  replicaAckTimeoutMs?: number;
  /**
   * Sessions and user token records read from Redis are served from process memory until Redis
   * says they changed (client-side caching: `CLIENT TRACKING` redirected to a second connection),
   * at most `ttlMs` (default 1000 ms) after they were read; whenever tracking is off (a Cluster,
   * `CLIENT` refused, a connection down) every read goes to Redis. `false` turns it off.
   */
  nearCache?: false | NearCacheOptions;
}

export const DEFAULT_KEY_PREFIX = 'feishu:';
export const DEFAULT_COMMAND_TIMEOUT_MS = 2000;
export const DEFAULT_REPLICA_ACK_TIMEOUT_MS = 500;
