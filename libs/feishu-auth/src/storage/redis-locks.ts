import { randomUUID } from 'node:crypto';
import type { FeishuLockStore } from '../interfaces/feishu-lock-store.interface.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisScript } from './redis-script.js';

/** Deletes a lock only if ARGV[1] still owns it. */
const RELEASE_LOCK_IF_OWNER = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

/** Locks: `lock:<key>` holds the owner id with the lease as PX (`lock:login:<hash>`: a used login state). */
export class RedisLocks implements FeishuLockStore {
  constructor(private readonly connection: RedisConnection) {}

  async acquireLock(key: string, leaseMs: number): Promise<string | undefined> {
    const owner = randomUUID();
    const lease = Math.max(1, Math.ceil(leaseMs));
    const reply = await this.connection.run('acquire a lock', (redis) =>
      redis.set(this.connection.key('lock', key), owner, 'PX', lease, 'NX'),
    );
    return reply === 'OK' ? owner : undefined;
  }

  async releaseLock(key: string, owner: string): Promise<void> {
    await this.connection.run('release a lock', (redis) =>
      RELEASE_LOCK_IF_OWNER.run(redis, this.connection.key('lock', key), owner),
    );
  }
}
