import type {
  FeishuCachedToken,
  FeishuTokenCache,
} from '../interfaces/feishu-token-cache.interface.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisScript } from './redis-script.js';

/** Deletes a cached token only if its `token` field is still ARGV[1]. */
const DELETE_TOKEN_IF_MATCHES = new RedisScript(`
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local ok, value = pcall(cjson.decode, stored)
if ok and type(value) == 'table' and value.token == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

/** App and tenant tokens: `token:<key>` holds the JSON with a PX TTL ending at `expiresAt`. */
export class RedisTokenCache implements FeishuTokenCache {
  constructor(private readonly connection: RedisConnection) {}

  getToken(key: string): Promise<FeishuCachedToken | undefined> {
    return this.connection.readRecord<FeishuCachedToken>('token', key);
  }

  setToken(key: string, value: FeishuCachedToken): Promise<void> {
    return this.connection.writeRecord('token', key, value, value.expiresAt - Date.now());
  }

  async deleteToken(key: string, onlyIfToken?: string): Promise<void> {
    if (onlyIfToken === undefined) return this.connection.deleteRecord('token', key);
    const redisKey = this.connection.key('token', key);
    await this.connection.run(this.connection.operation('delete', 'token'), (redis) =>
      DELETE_TOKEN_IF_MATCHES.run(redis, redisKey, onlyIfToken),
    );
  }
}
