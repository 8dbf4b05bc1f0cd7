import type { FeishuRefreshSchedule } from '../interfaces/feishu-refresh-schedule.interface.js';
import type { RedisConnection } from './redis-connection.js';
import { CLUSTER_DUE_BUCKETS, dueBucketKeys, dueBucketOf, mergeDue } from './redis-due-buckets.js';
import type { RedisTokenStoreClient } from './redis-token-store.client.js';

/**
 * The due index: a sorted set scored by due time, `due` on a single node, 16 buckets `due:{<tag>}`
 * spread over the slots on a Cluster (each bucket one key, so every command runs on a Cluster).
 */
export class RedisRefreshSchedule implements FeishuRefreshSchedule {
  private dueKeys?: string[];

  constructor(private readonly connection: RedisConnection) {}

  async scheduleRefresh(member: string, dueAt: number): Promise<void> {
    await this.connection.run('schedule a refresh', (redis) =>
      redis.zadd(this.dueKeyOf(redis, member), dueAt, member),
    );
  }

  async unscheduleRefresh(member: string): Promise<void> {
    await this.connection.run('unschedule a refresh', (redis) =>
      redis.zrem(this.dueKeyOf(redis, member), member),
    );
  }

  /** One `ZRANGEBYSCORE … LIMIT` per bucket (on a Cluster, in parallel over the masters), merged. */
  async getDue(now: number, limit: number): Promise<string[]> {
    if (!(limit > 0)) return [];
    const count = Math.floor(limit);
    return this.connection.run('read the due refreshes', async (redis) => {
      const keys = this.dueKeysOf(redis);
      if (keys.length === 1) return redis.zrangebyscore(keys[0]!, '-inf', now, 'LIMIT', 0, count);
      const replies = await Promise.all(
        keys.map((key) => redis.zrangebyscore(key, '-inf', now, 'WITHSCORES', 'LIMIT', 0, count)),
      );
      return mergeDue(replies, count);
    });
  }

  private dueKeysOf(redis: RedisTokenStoreClient): string[] {
    this.dueKeys ??= dueBucketKeys(
      this.connection.prefix,
      redis.isCluster ? CLUSTER_DUE_BUCKETS : 1,
    );
    return this.dueKeys;
  }

  private dueKeyOf(redis: RedisTokenStoreClient, member: string): string {
    const keys = this.dueKeysOf(redis);
    return keys[dueBucketOf(member, keys.length)]!;
  }
}
