import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { RedisTokenStore } from '@feishu-auth/nestjs';
import { SELF_BUILT } from './support/core-app.js';
import { createTestApp, login } from './support/login-app.js';
import { RedisServer } from './support/redis-server.js';

const OTHER_APP = { appId: 'cli_emulator_other', appSecret: 'emulator-other-secret' };

function bearer(app: INestApplication, token: string) {
  return request(app.getHttpServer()).get('/me/name').set('Authorization', `Bearer ${token}`);
}

/** Instances and apps on one redis-server and one keyPrefix, each with its own connection. */
describe('User records bound to their app on one Redis (integration)', () => {
  let redis: RedisServer;
  let emulator: FeishuEmulator;
  const apps: INestApplication[] = [];

  const start = async (overrides: Record<string, unknown> = {}) => {
    const store = new RedisTokenStore({ url: redis.url });
    const app = await createTestApp({ emulator, overrides: { store, ...overrides } });
    apps.push(app);
    return { app, store };
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
    emulator = await FeishuEmulator.start({ port: 0 });
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  afterAll(async () => {
    await emulator?.close();
    await redis?.stop();
  });

  it('should refuse a Bearer token on both instances at once after its user logs out on one', async () => {
    const first = await start();
    const second = await start();
    const openId = emulator.users[0].openId;
    const jar = await login(first.app, openId);
    const { accessToken } = (await first.store.getUserToken(SELF_BUILT.appId, openId))!;
    expect((await bearer(first.app, accessToken)).status).toBe(200);
    expect((await bearer(second.app, accessToken)).status).toBe(200);

    await request(first.app.getHttpServer()).get('/auth/feishu/logout').set('Cookie', jar.header());

    expect((await bearer(first.app, accessToken)).status).toBe(401);
    expect((await bearer(second.app, accessToken)).status).toBe(401);
  });

  it('should refuse on one app the Bearer token of another app sharing the keyPrefix', async () => {
    const ours = await start();
    const theirs = await start(OTHER_APP);
    const theirOpenId = emulator.openIdFor(OTHER_APP.appId, emulator.users[1]);
    await login(theirs.app, theirOpenId);
    const { accessToken } = (await theirs.store.getUserToken(OTHER_APP.appId, theirOpenId))!;

    expect((await bearer(theirs.app, accessToken)).status).toBe(200);
    expect((await bearer(ours.app, accessToken)).status).toBe(401);
  });
});
