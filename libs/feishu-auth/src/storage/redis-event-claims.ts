import type { FeishuEventClaimStore } from '../interfaces/feishu-event-claim-store.interface.js';
import type { RedisConnection } from './redis-connection.js';

/** Handled events: `event:<appId>:<event id>` is set once (`NX`) and lives for its TTL. */
export class RedisEventClaims implements FeishuEventClaimStore {
  constructor(private readonly connection: RedisConnection) {}

  async claimEvent(eventKey: string, ttlSeconds: number): Promise<boolean> {
    const ttlMs = Math.max(1, Math.ceil(ttlSeconds * 1000));
    const reply = await this.connection.run('record a handled event', (redis) =>
      redis.set(this.connection.key('event', eventKey), '1', 'PX', ttlMs, 'NX'),
    );
    return reply === 'OK';
  }
}
