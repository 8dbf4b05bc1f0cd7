import { Logger } from '@nestjs/common';
import type { RedisOptions } from 'ioredis';
import { FeishuConfigError, FeishuStoreUnavailableError } from '../feishu-auth.errors.js';
import { fingerprint } from '../utils/fingerprint.util.js';
import type { RedisTokenStoreClient } from './redis-token-store.client.js';
import type { RedisTokenStoreSettings } from './redis-token-store.settings.js';
import {
  corruptStoredValueMessage,
  IOREDIS_MISSING_MESSAGE,
  REDIS_RECONNECTED_MESSAGE,
  redisConnectionErrorMessage,
  redisUnavailableMessage,
} from './storage.messages.js';

/** Reconnect delay: grows 100 ms per attempt up to 2 s, so the store recovers soon after Redis returns. */
const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * The JSON records kept under `keyPrefix`, by the key's kind (`<prefix><kind>:<id>`): what a log
 * line calls one, and what an error message says could not be done to it.
 */
const RECORD_KINDS = {
  token: { name: 'token', what: 'a token' },
  ticket: { name: 'app_ticket', what: 'the app_ticket' },
  user: { name: 'user token record', what: "a user's tokens" },
  session: { name: 'session', what: 'a session' },
} as const;

export type RedisRecordKind = keyof typeof RECORD_KINDS;

/** Known to be disconnected: answering at once beats queueing a command until its timeout. */
const DISCONNECTED_STATUSES = new Set(['reconnecting', 'close', 'end']);

/**
 * The connection every role of `RedisTokenStore` sends its commands through: the client (made from
 * `url`, or the one passed in), the key layout under `keyPrefix`, and the failure rules. When Redis
 * cannot be reached a command rejects with `FeishuStoreUnavailableError` within `commandTimeoutMs`
 * (at once while the client is known to be reconnecting), and works again once it has reconnected.
 */
export class RedisConnection {
  private readonly logger = new Logger(RedisConnection.name);
  private readonly client: Promise<RedisTokenStoreClient>;
  private readonly ownsClient: boolean;
  private readonly readyListeners: (() => void)[] = [];
  private connectionFailing = false;

  constructor(
    source: { url?: string; client?: RedisTokenStoreClient },
    private readonly settings: RedisTokenStoreSettings,
  ) {
    this.ownsClient = source.client === undefined;
    this.client = source.client ? Promise.resolve(source.client) : this.createClient(source.url!);
    // Surfaced by the first operation; never an unhandled rejection.
    this.client.catch(() => undefined);
  }

  get prefix(): string {
    return this.settings.keyPrefix;
  }

  key(kind: string, id: string): string {
    return `${this.settings.keyPrefix}${kind}:${id}`;
  }

  /** The client, once made (rejects as the first operation does when ioredis is missing). */
  whenClient(): Promise<RedisTokenStoreClient> {
    return this.client;
  }

  /** Called each time the client is ready after connecting (perhaps to another master). */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /** Runs `command`, answering `FeishuStoreUnavailableError` (without the command's arguments) when it fails. */
  async run<T>(
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
      throw new FeishuStoreUnavailableError(
        redisUnavailableMessage(operation, errorMessage(error)),
        {
          cause: withoutDetails(error),
        },
      );
    }
  }

  /** What an error says could not be done, e.g. `write a session`. */
  operation(verb: 'read' | 'write' | 'delete', kind: RedisRecordKind): string {
    return `${verb} ${RECORD_KINDS[kind].what}`;
  }

  /** The record's JSON; a value that is not JSON is logged (by key hash) and read as absent. */
  async readRecord<T>(kind: RedisRecordKind, id: string): Promise<T | undefined> {
    const key = this.key(kind, id);
    const raw = await this.run(this.operation('read', kind), (redis) => redis.get(key));
    if (raw === null) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      this.logger.warn(corruptStoredValueMessage(RECORD_KINDS[kind].name, fingerprint(key)));
      return undefined;
    }
  }

  /** A TTL already spent deletes the key: Redis refuses `PX 0`, and the value must not be served. */
  async writeRecord(
    kind: RedisRecordKind,
    id: string,
    value: object,
    ttlMs: number,
  ): Promise<void> {
    const key = this.key(kind, id);
    const json = JSON.stringify(value);
    await this.run<unknown>(this.operation('write', kind), (redis) =>
      ttlMs > 0 ? redis.set(key, json, 'PX', Math.ceil(ttlMs)) : redis.del(key),
    );
  }

  async deleteRecord(kind: RedisRecordKind, id: string): Promise<void> {
    await this.run(this.operation('delete', kind), (redis) => redis.del(this.key(kind, id)));
  }

  /** Quits the client only if it was created from `url`; a client passed in stays its owner's. */
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

  /** The client made from `url` times commands out itself; a client passed in may not. */
  private withDeadline<T>(redis: RedisTokenStoreClient, pending: Promise<T>): Promise<T> {
    const { commandTimeout, redisOptions } = redis.options;
    if (typeof (commandTimeout ?? redisOptions?.commandTimeout) === 'number') return pending;
    const timeoutMs = this.settings.commandTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
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
    client.on('ready', () => this.onClientReady());
    return client;
  }

  private clientOptions(): RedisOptions {
    const { commandTimeoutMs } = this.settings;
    return {
      commandTimeout: commandTimeoutMs,
      connectTimeout: Math.max(commandTimeoutMs, 1000),
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
    this.logger.warn(redisConnectionErrorMessage(errorMessage(error)));
  }

  private onClientReady(): void {
    for (const listener of this.readyListeners) listener();
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
    throw new FeishuConfigError(`${IOREDIS_MISSING_MESSAGE} (${errorMessage(error)})`);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** ioredis errors carry the command and its arguments (tokens among them): keep only the message. */
function withoutDetails(error: unknown): Error {
  const clean = new Error(errorMessage(error));
  clean.name = error instanceof Error ? error.name : 'Error';
  return clean;
}
