import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { RedisTokenStore } from '@feishu-auth/nestjs';
import { approveAtEmulator, callback, createTestApp, startLogin } from './support/login-app.js';
import { flood } from './support/login-flood.helper.js';
import { RedisServer } from './support/redis-server.js';

const FLOOD_SIZE = 20_000;
const MAX_NEW_KEYS = 1_000;
const MAX_NEW_BYTES = 5 * 1024 * 1024;

async function usedMemory(admin: Redis): Promise<number> {
  const info = await admin.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
}

describe('Login starts from strangers (integration, Redis)', () => {
  let redis: RedisServer;
  let admin: Redis;
  let emulator: FeishuEmulator;
  let app: INestApplication;

  beforeAll(async () => {
    redis = await RedisServer.start();
    admin = new Redis(redis.url);
    emulator = await FeishuEmulator.start({ port: 0 });
    const store = new RedisTokenStore({ url: redis.url });
    app = await createTestApp({ emulator, overrides: { store } });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await emulator?.close();
    admin?.disconnect();
    await redis?.stop();
  });

  it('should grow Redis by under 1,000 keys and 5 MB over 20,000 login starts, and finish a real login started before them', async () => {
    const openId = emulator.users[0].openId;
    const started = await startLogin(app);
    const keysBefore = await admin.dbsize();
    const memoryBefore = await usedMemory(admin);

    const answers = await flood(app, '/auth/feishu/login', FLOOD_SIZE);
    const newKeys = (await admin.dbsize()) - keysBefore;
    const newBytes = (await usedMemory(admin)) - memoryBefore;
    const { code, state } = await approveAtEmulator(started.authorizeUrl, openId);
    const done = await callback(app, { code, state }, started.jar);

    expect(answers).toEqual({ 302: FLOOD_SIZE });
    expect(newKeys).toBeLessThanOrEqual(MAX_NEW_KEYS);
    expect(newBytes).toBeLessThanOrEqual(MAX_NEW_BYTES);
    expect(done.status).toBe(302);
  });
});
