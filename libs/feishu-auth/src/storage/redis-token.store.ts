import { createHash, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import { FeishuConfigError, FeishuStoreUnavailableError } from '../feishu-auth.errors.js';
import type {
  FeishuCachedToken,
  FeishuSessionRecord,
  FeishuTokenStore,
  FeishuUserTokenRecord,
  FeishuUserTokenWrite,
} from '../interfaces/feishu-token-store.interface.js';
import { CLUSTER_DUE_BUCKETS, dueBucketKeys, dueBucketOf, mergeDue } from './redis-due-buckets.js';
import { ReplicaTracker } from './redis-replicas.js';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_KEY_PREFIX,
  DEFAULT_REPLICA_ACK_TIMEOUT_MS,
  type RedisTokenStoreClient,
  type RedisTokenStoreOptions,
} from './redis-token-store.client.js';
import {
  corruptStoredValueMessage,
  invalidStoreOptionMessage,
  IOREDIS_MISSING_MESSAGE,
  REDIS_CONNECTION_REQUIRED_MESSAGE,
  REDIS_RECONNECTED_MESSAGE,
  redisConnectionErrorMessage,
  redisUnavailableMessage,
} from './storage.messages.js';
import { fingerprint } from '../utils/fingerprint.util.js';

/** Reconnect delay: grows 100 ms per attempt up to 2 s, so the store recovers soon after Redis returns. */
const MAX_RECONNECT_DELAY_MS = 2000;

/** Known to be disconnected: answering at once beats queueing a command until its timeout. */
const DISCONNECTED_STATUSES = new Set(['reconnecting', 'close', 'end']);

/**
 * A Lua script run by EVALSHA, falling back to EVAL once when Redis does not know it yet (after a
 * restart or a SCRIPT FLUSH). Every script touches one key, so it also runs on Redis Cluster.
 */
class RedisScript {
  private readonly sha: string;

  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(client: RedisTokenStoreClient, key: string, ...args: string[]): Promise<unknown> {
    try {
      return await client.evalsha(this.sha, 1, key, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.lua, 1, key, ...args);
    }
  }
}

/** Deletes a cached token only if its `token` field is still ARGV[1]. */
const DELETE_TOKEN_IF_MATCHES = new RedisScript(`
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local ok, value = pcall(cjson.decode, stored)
if ok and type(value) == 'table' and value.token == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

/** Writes the app_ticket JSON ARGV[1] unless the stored one was issued after ARGV[2] (epoch ms). */
const SET_APP_TICKET_IF_NOT_OLDER = new RedisScript(`
local stored = redis.call('GET', KEYS[1])
if stored then
  local ok, value = pcall(cjson.decode, stored)
  if ok and type(value) == 'table' and tonumber(value.issuedAt) and tonumber(value.issuedAt) > tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1])
return 1`);

/** Deletes a lock only if ARGV[1] still owns it. */
const RELEASE_LOCK_IF_OWNER = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

/**
 * A store in Redis, shared by every instance of an app: a login may start on one instance and finish
 * on another, and one refresh lock serves them all.
 *
 * Layout under `keyPrefix`: `token:<key>`, `ticket:<appId>`, `user:<appId>:<openId>` and `session:<id>`
 * hold JSON with a PX TTL matching the record's life (the ticket `{ ticket, issuedAt }` has none);
 * `lock:<key>` holds the owner id with the lease as PX (`lock:login:<hash>` marks a login state
 * used); `event:<appId>:<event id>` marks a handled event for its TTL; the due index is a sorted
 * set scored by due time: `due` on a single node, 16 buckets `due:{<tag>}` spread over the slots on
 * a Cluster. Every method is one command or one single-key script (one per bucket for `getDue`), so
 * none of them scans the keyspace and all of them run on a Cluster.
 *
 * A user's record holds a single-use refresh token: where its master has replicas, the write is
 * followed by `WAIT 1 <replicaAckTimeoutMs>` on the same connection, and `setUserToken` resolves to
 * `{ replicated: false }` when no replica confirmed it in time.
 *
 * When Redis cannot be reached every method rejects with `FeishuStoreUnavailableError` within
 * `commandTimeoutMs` (at once while the client is known to be reconnecting), and the store works
 * again as soon as the client has reconnected.
 *
 * @publicApi
 */
export class RedisTokenStore implements FeishuTokenStore {
  private readonly logger = new Logger(RedisTokenStore.name);
  private readonly prefix: string;
  private readonly commandTimeoutMs: number;
  private readonly ownsClient: boolean;
  private readonly client: Promise<RedisTokenStoreClient>;
  private readonly waitForReplica: boolean;
  private readonly replicaAckTimeoutMs: number;
  private readonly replicas = new ReplicaTracker();
  private dueKeys?: string[];
  private connectionFailing = false;

  constructor(options: RedisTokenStoreOptions) {
    if (!options || (options.url === undefined) === (options.client === undefined)) {
      throw new FeishuConfigError(REDIS_CONNECTION_REQUIRED_MESSAGE);
    }
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    if (!Number.isFinite(this.commandTimeoutMs) || this.commandTimeoutMs <= 0) {
      throw new FeishuConfigError(
        invalidStoreOptionMessage(
          'RedisTokenStore',
          'commandTimeoutMs',
          'a positive number of milliseconds',
        ),
      );
    }
    this.waitForReplica = options.waitForReplica ?? true;
    this.replicaAckTimeoutMs =
      options.replicaAckTimeoutMs ??
      Math.min(DEFAULT_REPLICA_ACK_TIMEOUT_MS, Math.ceil(this.commandTimeoutMs / 2));
    if (
      !Number.isInteger(this.replicaAckTimeoutMs) ||
      this.replicaAckTimeoutMs <= 0 ||
      this.replicaAckTimeoutMs >= this.commandTimeoutMs
    ) {
      throw new FeishuConfigError(
        invalidStoreOptionMessage(
          'RedisTokenStore',
          'replicaAckTimeoutMs',
          'a whole number of milliseconds above 0 and below commandTimeoutMs',
        ),
      );
    }
    this.ownsClient = options.client === undefined;
    this.client = options.client
      ? Promise.resolve(options.client)
      : this.createClient(options.url!);
    // Surfaced by the first operation; never an unhandled rejection.
    this.client.catch(() => undefined);
  }

  async getToken(key: string): Promise<FeishuCachedToken | undefined> {
    return this.readJson<FeishuCachedToken>('read a token', 'token', this.key('token', key));
  }

  async setToken(key: string, value: FeishuCachedToken): Promise<void> {
    await this.putWithTtl(
      'write a token',
      this.key('token', key),
      JSON.stringify(value),
      value.expiresAt - Date.now(),
    );
  }

  async deleteToken(key: string, onlyIfToken?: string): Promise<void> {
    const redisKey = this.key('token', key);
    await this.run('delete a token', (redis) =>
      onlyIfToken === undefined
        ? redis.del(redisKey)
        : DELETE_TOKEN_IF_MATCHES.run(redis, redisKey, onlyIfToken),
    );
  }

  async getAppTicket(appId: string): Promise<string | undefined> {
    const stored = await this.readJson<{ ticket?: unknown }>(
      'read the app_ticket',
      'app_ticket',
      this.key('ticket', appId),
    );
    return typeof stored?.ticket === 'string' ? stored.ticket : undefined;
  }

  async setAppTicket(appId: string, ticket: string, issuedAt: number): Promise<boolean> {
    const reply = await this.run('write the app_ticket', (redis) =>
      SET_APP_TICKET_IF_NOT_OLDER.run(
        redis,
        this.key('ticket', appId),
        JSON.stringify({ ticket, issuedAt }),
        String(issuedAt),
      ),
    );
    return reply === 1;
  }

  async claimEvent(eventKey: string, ttlSeconds: number): Promise<boolean> {
    const ttlMs = Math.max(1, Math.ceil(ttlSeconds * 1000));
    const reply = await this.run('record a handled event', (redis) =>
      redis.set(this.key('event', eventKey), '1', 'PX', ttlMs, 'NX'),
    );
    return reply === 'OK';
  }

  async getUserToken(appId: string, openId: string): Promise<FeishuUserTokenRecord | undefined> {
    return this.readJson<FeishuUserTokenRecord>(
      "read a user's tokens",
      'user token record',
      this.key('user', `${appId}:${openId}`),
    );
  }

  async setUserToken(
    record: FeishuUserTokenRecord,
    ttlSeconds: number,
  ): Promise<FeishuUserTokenWrite | undefined> {
    const key = this.key('user', `${record.appId}:${record.openId}`);
    const value = JSON.stringify(record);
    const ttlMs = Math.ceil(ttlSeconds * 1000);
    if (ttlMs <= 0 || !this.waitForReplica) {
      await this.putWithTtl("write a user's tokens", key, value, ttlMs);
      return undefined;
    }
    return this.run("write a user's tokens", (redis) => this.setAndWait(redis, key, value, ttlMs));
  }

  async deleteUserToken(appId: string, openId: string): Promise<void> {
    await this.run("delete a user's tokens", (redis) =>
      redis.del(this.key('user', `${appId}:${openId}`)),
    );
  }

  async getSession(id: string): Promise<FeishuSessionRecord | undefined> {
    return this.readJson<FeishuSessionRecord>('read a session', 'session', this.key('session', id));
  }

  async setSession(record: FeishuSessionRecord, ttlSeconds: number): Promise<void> {
    await this.putWithTtl(
      'write a session',
      this.key('session', record.id),
      JSON.stringify(record),
      ttlSeconds * 1000,
    );
  }

  async deleteSession(id: string): Promise<void> {
    await this.run('delete a session', (redis) => redis.del(this.key('session', id)));
  }

  async acquireLock(key: string, leaseMs: number): Promise<string | undefined> {
    const owner = randomUUID();
    const lease = Math.max(1, Math.ceil(leaseMs));
    const reply = await this.run('acquire a lock', (redis) =>
      redis.set(this.key('lock', key), owner, 'PX', lease, 'NX'),
    );
    return reply === 'OK' ? owner : undefined;
  }

  async releaseLock(key: string, owner: string): Promise<void> {
    await this.run('release a lock', (redis) =>
      RELEASE_LOCK_IF_OWNER.run(redis, this.key('lock', key), owner),
    );
  }

  async scheduleRefresh(member: string, dueAt: number): Promise<void> {
    await this.run('schedule a refresh', (redis) =>
      redis.zadd(this.dueKeyOf(redis, member), dueAt, member),
    );
  }

  async unscheduleRefresh(member: string): Promise<void> {
    await this.run('unschedule a refresh', (redis) =>
      redis.zrem(this.dueKeyOf(redis, member), member),
    );
  }

  /** One `ZRANGEBYSCORE … LIMIT` per bucket (on a Cluster, in parallel over the masters), merged. */
  async getDue(now: number, limit: number): Promise<string[]> {
    if (!(limit > 0)) return [];
    const count = Math.floor(limit);
    return this.run('read the due refreshes', async (redis) => {
      const keys = this.dueKeysOf(redis);
      if (keys.length === 1) return redis.zrangebyscore(keys[0]!, '-inf', now, 'LIMIT', 0, count);
      const replies = await Promise.all(
        keys.map((key) => redis.zrangebyscore(key, '-inf', now, 'WITHSCORES', 'LIMIT', 0, count)),
      );
      return mergeDue(replies, count);
    });
  }

  /** Quits the client only if the store created it from `url`; a client you passed stays yours. */
  async close(): Promise<void> {
    if (!this.ownsClient) return;
    const client = await this.client.catch(() => undefined);
    if (!client || client.status === 'end') return;
    if (client.status !== 'ready') {
      client.disconnect();
      return;
    }
    await client.quit().catch(() => client.disconnect());
  }

  private key(kind: string, id: string): string {
    return `${this.prefix}${kind}:${id}`;
  }

  private dueKeysOf(redis: RedisTokenStoreClient): string[] {
    this.dueKeys ??= dueBucketKeys(this.prefix, redis.isCluster ? CLUSTER_DUE_BUCKETS : 1);
    return this.dueKeys;
  }

  private dueKeyOf(redis: RedisTokenStoreClient, member: string): string {
    const keys = this.dueKeysOf(redis);
    return keys[dueBucketOf(member, keys.length)]!;
  }

  /**
   * `SET` then, where the key's master has replicas, `WAIT 1` in the same pipeline (so on the same
   * connection, after the write). A `WAIT` that nobody acknowledged makes the next write ask the
   * master again how many replicas it has.
   */
  private async setAndWait(
    redis: RedisTokenStoreClient,
    key: string,
    value: string,
    ttlMs: number,
  ): Promise<FeishuUserTokenWrite | undefined> {
    if ((await this.replicas.replicasFor(redis, key)) === 0) {
      await redis.set(key, value, 'PX', ttlMs);
      return undefined;
    }
    const replies = await redis
      .pipeline()
      .set(key, value, 'PX', ttlMs)
      .wait(1, this.replicaAckTimeoutMs)
      .exec();
    const [written, waited] = replies ?? [];
    const failure = written?.[0] ?? waited?.[0] ?? (replies ? undefined : new Error('no reply'));
    if (failure) {
      this.replicas.forget(redis, key);
      // The slot moved (a failover): the next attempt must go to the new master.
      if (/^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN)\b/.test(describe(failure)))
        redis.refreshSlotsCache?.();
      throw failure;
    }
    const acknowledged = Number(waited?.[1]);
    if (acknowledged >= 1) return { replicated: true };
    this.replicas.forget(redis, key);
    return { replicated: false };
  }

  /** A TTL already spent deletes the key: Redis refuses `PX 0`, and the value must not be served. */
  private async putWithTtl(
    operation: string,
    key: string,
    value: string,
    ttlMs: number,
  ): Promise<void> {
    await this.run<unknown>(operation, (redis) =>
      ttlMs > 0 ? redis.set(key, value, 'PX', Math.ceil(ttlMs)) : redis.del(key),
    );
  }

  private async readJson<T>(operation: string, kind: string, key: string): Promise<T | undefined> {
    const raw = await this.run(operation, (redis) => redis.get(key));
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      this.logger.warn(corruptStoredValueMessage(kind, fingerprint(key)));
      return undefined;
    }
  }

  private async run<T>(
    operation: string,
    command: (redis: RedisTokenStoreClient) => Promise<T>,
  ): Promise<T> {
    const redis = await this.client;
    if (DISCONNECTED_STATUSES.has(redis.status)) {
      throw new FeishuStoreUnavailableError(
        redisUnavailableMessage(operation, `the connection is ${redis.status}`),
      );
    }
    try {
      return await this.withDeadline(redis, command(redis));
    } catch (error) {
      throw new FeishuStoreUnavailableError(redisUnavailableMessage(operation, describe(error)), {
        cause: withoutDetails(error),
      });
    }
  }

  /** The client made from `url` times commands out itself; a client passed in may not. */
  private withDeadline<T>(redis: RedisTokenStoreClient, pending: Promise<T>): Promise<T> {
    const { commandTimeout, redisOptions } = redis.options;
    if (typeof (commandTimeout ?? redisOptions?.commandTimeout) === 'number') return pending;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${this.commandTimeoutMs} ms`)),
        this.commandTimeoutMs,
      );
    });
    pending.catch(() => undefined);
    return Promise.race([pending, deadline]).finally(() => clearTimeout(timer));
  }

  private async createClient(url: string): Promise<RedisTokenStoreClient> {
    const RedisClient = await loadIoredis();
    const client = new RedisClient(url, this.clientOptions());
    client.on('error', (error: unknown) => this.onConnectionError(error));
    // A lost connection may come back before any error is emitted: still worth one warning.
    client.on('reconnecting', () =>
      this.onConnectionError(new Error('connection lost, reconnecting')),
    );
    client.on('ready', () => this.onReady());
    return client;
  }

  private clientOptions(): RedisOptions {
    return {
      commandTimeout: this.commandTimeoutMs,
      connectTimeout: Math.max(this.commandTimeoutMs, 1000),
      // A command that timed out must not run later, behind the caller's back, once Redis is back.
      maxRetriesPerRequest: 1,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    };
  }

  /** Logged once per outage; ioredis keeps reconnecting on its own. */
  private onConnectionError(error: unknown): void {
    if (this.connectionFailing) return;
    this.connectionFailing = true;
    this.logger.warn(redisConnectionErrorMessage(describe(error)));
  }

  private onReady(): void {
    // Reconnected, perhaps to another master (Sentinel): count its replicas again.
    this.replicas.clear();
    if (!this.connectionFailing) return;
    this.connectionFailing = false;
    this.logger.log(REDIS_RECONNECTED_MESSAGE);
  }
}

/** What the store needs of ioredis's `Redis` class: the commands, plus its connection events. */
type RedisConstructor = new (
  url: string,
  options: RedisOptions,
) => RedisTokenStoreClient & {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
};

/** ioredis is an optional peer: loaded only when a store is built from a `url`. */
async function loadIoredis(): Promise<RedisConstructor> {
  try {
    const module = (await import('ioredis')) as {
      Redis?: RedisConstructor;
      default?: { Redis?: RedisConstructor };
    };
    const constructor = module.Redis ?? module.default?.Redis;
    if (!constructor) throw new Error('ioredis exports no Redis class');
    return constructor;
  } catch (error) {
    throw new FeishuConfigError(`${IOREDIS_MISSING_MESSAGE} (${describe(error)})`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** ioredis errors carry the command and its arguments (tokens among them): keep only the message. */
function withoutDetails(error: unknown): Error {
  const clean = new Error(describe(error));
  clean.name = error instanceof Error ? error.name : 'Error';
  return clean;
}
