import { createHash } from 'node:crypto';
import type { RedisTokenStoreClient } from './redis-token-store.client.js';

/**
 * A Lua script run by EVALSHA, falling back to EVAL once when Redis does not know it yet (after a
 * restart or a SCRIPT FLUSH). Every script touches one key, so it also runs on Redis Cluster.
 */
export class RedisScript {
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
