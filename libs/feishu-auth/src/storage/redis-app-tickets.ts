import type { FeishuAppTicketStore } from '../interfaces/feishu-app-ticket-store.interface.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisScript } from './redis-script.js';

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

/** App tickets: `ticket:<appId>` holds `{ ticket, issuedAt }` without a TTL. */
export class RedisAppTickets implements FeishuAppTicketStore {
  constructor(private readonly connection: RedisConnection) {}

  async getAppTicket(appId: string): Promise<string | undefined> {
    const stored = await this.connection.readRecord<{ ticket?: unknown }>('ticket', appId);
    return typeof stored?.ticket === 'string' ? stored.ticket : undefined;
  }

  async setAppTicket(appId: string, ticket: string, issuedAt: number): Promise<boolean> {
    const reply = await this.connection.run(this.connection.operation('write', 'ticket'), (redis) =>
      SET_APP_TICKET_IF_NOT_OLDER.run(
        redis,
        this.connection.key('ticket', appId),
        JSON.stringify({ ticket, issuedAt }),
        String(issuedAt),
      ),
    );
    return reply === 1;
  }
}
