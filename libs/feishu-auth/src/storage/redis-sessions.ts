import type {
  FeishuSessionRecord,
  FeishuSessionStore,
} from '../interfaces/feishu-session-store.interface.js';
import type { RedisConnection } from './redis-connection.js';

/** Sessions: `session:<id>` holds the record's JSON with the session's TTL. */
export class RedisSessions implements FeishuSessionStore {
  constructor(private readonly connection: RedisConnection) {}

  getSession(id: string): Promise<FeishuSessionRecord | undefined> {
    return this.connection.readRecord<FeishuSessionRecord>('session', id);
  }

  setSession(record: FeishuSessionRecord, ttlSeconds: number): Promise<void> {
    return this.connection.writeRecord('session', record.id, record, ttlSeconds * 1000);
  }

  deleteSession(id: string): Promise<void> {
    return this.connection.deleteRecord('session', id);
  }
}
