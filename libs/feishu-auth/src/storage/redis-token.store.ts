import { createHash, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import { FeishuConfigError, FeishuStoreUnavailableError } from '../feishu-auth.errors.js';
import type {
  FeishuCachedToken,
  FeishuSessionRecord,
  FeishuTokenStore,
  FeishuUserTokenRecord,
} from '../interfaces/feishu-token-store.interface.js';
import {
  corruptStoredValueMessage,
  invalidStoreOptionMessage,
  IOREDIS_MISSING_MESSAGE,
  REDIS_CONNECTION_REQUIRED_MESSAGE,
  REDIS_RECONNECTED_MESSAGE,
  redisConnectionErrorMessage,
  redisUnavailableMessage,
} from './storage.messages.js';

/**
 * The few commands `RedisTokenStore` sends, written out so that its published types do not import
 * ioredis (an optional peer): an ioredis `Redis` client (5 or 6) has all of them.
 *
 * @publicApi
 */
export interface RedisTokenStoreClient {
  /** ioredis's connection state: `'ready'`, `'reconnecting'`, `'end'` … */
  readonly status: string;
  readonly options: { commandTimeout?: number };
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
  quit(): Promise<unknown>;
  disconnect(): void;
}

/** @publicApi */
export interface RedisTokenStoreOptions {
  /** e.g. `'redis://127.0.0.1:6379'` or `'rediss://user:pass@host:6380/2'`; the store then owns the client. */
  url?: string;
  /**
   * An ioredis client you created (and close yourself). Give it a `commandTimeout` and
   * `autoResendUnfulfilledCommands: false` if you want it to behave like the one made from `url`.
   */
  client?: RedisTokenStoreClient;
  /** Prepended to every key, so several apps can share one Redis. Default `'feishu:'`. */
  keyPrefix?: string;
  /**
   * How long one operation waits for Redis before failing with `FeishuStoreUnavailableError`.
   * Default 2000 ms.
   */
  commandTimeoutMs?: number;
}

const DEFAULT_KEY_PREFIX = 'feishu:';
const DEFAULT_COMMAND_TIMEOUT_MS = 2000;
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
 * hold JSON (or the ticket) with a PX TTL matching the record's life; `lock:<key>` holds the owner
 * id with the lease as PX (`lock:login:<hash>` marks a login state used); `due` is a sorted set scored by due time. Every method is
 * one command or one single-key script, so none of them scans the keyspace.
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
    const ticket = await this.run('read the app_ticket', (redis) =>
      redis.get(this.key('ticket', appId)),
    );
    return ticket ?? undefined;
  }

  async setAppTicket(appId: string, ticket: string): Promise<void> {
    await this.run('write the app_ticket', (redis) => redis.set(this.key('ticket', appId), ticket));
  }

  async getUserToken(appId: string, openId: string): Promise<FeishuUserTokenRecord | undefined> {
    return this.readJson<FeishuUserTokenRecord>(
      "read a user's tokens",
      'user token record',
      this.key('user', `${appId}:${openId}`),
    );
  }

  async setUserToken(record: FeishuUserTokenRecord, ttlSeconds: number): Promise<void> {
    const key = this.key('user', `${record.appId}:${record.openId}`);
    await this.putWithTtl("write a user's tokens", key, JSON.stringify(record), ttlSeconds * 1000);
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
    await this.run('schedule a refresh', (redis) => redis.zadd(this.dueKey(), dueAt, member));
  }

  async unscheduleRefresh(member: string): Promise<void> {
    await this.run('unschedule a refresh', (redis) => redis.zrem(this.dueKey(), member));
  }

  async getDue(now: number, limit: number): Promise<string[]> {
    if (!(limit > 0)) return [];
    return this.run('read the due refreshes', (redis) =>
      redis.zrangebyscore(this.dueKey(), '-inf', now, 'LIMIT', 0, Math.floor(limit)),
    );
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

  private dueKey(): string {
    return `${this.prefix}due`;
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
      this.logger.warn(corruptStoredValueMessage(kind, key));
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
    if (typeof redis.options.commandTimeout === 'number') return pending;
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
