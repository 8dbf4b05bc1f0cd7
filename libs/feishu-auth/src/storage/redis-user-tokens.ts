import type {
  FeishuUserTokenRecord,
  FeishuUserTokenStore,
  FeishuUserTokenWrite,
} from '../interfaces/feishu-user-token-store.interface.js';
import { errorMessage, type RedisConnection } from './redis-connection.js';
import { ReplicaTracker } from './redis-replicas.js';
import type { RedisTokenStoreClient } from './redis-token-store.client.js';
import type { RedisTokenStoreSettings } from './redis-token-store.settings.js';

/**
 * Users' tokens: `user:<appId>:<openId>` holds the record's JSON with the refresh token's TTL.
 *
 * The record holds a single-use refresh token: where its master has replicas, the write is
 * followed by `WAIT 1 <replicaAckTimeoutMs>` on the same connection, and `setUserToken` resolves to
 * `{ replicated: false }` when no replica confirmed it in time.
 */
export class RedisUserTokens implements FeishuUserTokenStore {
  private readonly replicas = new ReplicaTracker();

  constructor(
    private readonly connection: RedisConnection,
    private readonly settings: Pick<
      RedisTokenStoreSettings,
      'waitForReplica' | 'replicaAckTimeoutMs'
    >,
  ) {
    // Reconnected, perhaps to another master (Sentinel): count its replicas again.
    connection.onReady(() => this.replicas.clear());
  }

  async getUserToken(appId: string, openId: string): Promise<FeishuUserTokenRecord | undefined> {
    return this.connection.readRecord<FeishuUserTokenRecord>('user', userId(appId, openId));
  }

  async setUserToken(
    record: FeishuUserTokenRecord,
    ttlSeconds: number,
  ): Promise<FeishuUserTokenWrite | undefined> {
    const id = userId(record.appId, record.openId);
    const ttlMs = Math.ceil(ttlSeconds * 1000);
    if (ttlMs <= 0 || !this.settings.waitForReplica) {
      await this.connection.writeRecord('user', id, record, ttlMs);
      return undefined;
    }
    const key = this.connection.key('user', id);
    return this.connection.run(this.connection.operation('write', 'user'), (redis) =>
      this.setAndWait(redis, key, JSON.stringify(record), ttlMs),
    );
  }

  deleteUserToken(appId: string, openId: string): Promise<void> {
    return this.connection.deleteRecord('user', userId(appId, openId));
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
      .wait(1, this.settings.replicaAckTimeoutMs)
      .exec();
    const [written, waited] = replies ?? [];
    const failure = written?.[0] ?? waited?.[0] ?? (replies ? undefined : new Error('no reply'));
    if (failure) {
      this.replicas.forget(redis, key);
      // The slot moved (a failover): the next attempt must go to the new master.
      if (/^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN)\b/.test(errorMessage(failure)))
        redis.refreshSlotsCache?.();
      throw failure;
    }
    const acknowledged = Number(waited?.[1]);
    if (acknowledged >= 1) return { replicated: true };
    this.replicas.forget(redis, key);
    return { replicated: false };
  }
}

/** The id of a user's record: apps sharing a store keep their users apart. */
export function userId(appId: string, openId: string): string {
  return `${appId}:${openId}`;
}
