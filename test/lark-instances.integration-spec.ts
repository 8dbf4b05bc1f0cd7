import { FeishuEmulator } from '@feishu-auth/emulator';
import {
  buildInstanceApp,
  startInstanceApp,
  withInstanceOutput,
  type InstanceApp,
} from './support/instance-app.js';
import { RedisServer } from './support/redis-server.js';

/**
 * Four instance-app processes on one redis-server, each with the official SDK's client that
 * `FeishuLarkModule` provides: a burst of cold SDK calls spread over them costs one tenant token
 * fetch in total (the shared store and its lock), where four plain SDK clients would fetch at least
 * four and one per call while cold.
 */
const INSTANCES = 4;
const CALLS = 200;
const SESSION_SECRET = 'lark-instances-session-secret-0123456789';

describe('the provided SDK client on four processes sharing Redis (integration)', () => {
  let emulator: FeishuEmulator;
  let redis: RedisServer;
  let instances: InstanceApp[] = [];

  beforeAll(async () => {
    await buildInstanceApp();
    emulator = await FeishuEmulator.start();
    redis = await RedisServer.start();
    for (let index = 0; index < INSTANCES; index++) {
      instances.push(
        await startInstanceApp(`lark-${index}`, {
          FEISHU_OPEN_URL: emulator.url,
          FEISHU_REDIRECT_URI: 'http://127.0.0.1:3000/auth/feishu/callback',
          SESSION_SECRET,
          REDIS_URL: redis.url,
          PORT: '0',
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.process.stop()));
    instances = [];
    await redis?.stop();
    await emulator?.close();
  });

  it('should fetch one tenant token for a burst of cold SDK calls spread over four processes', async () => {
    const openId = emulator.users[0]!.openId;

    const answers = await withInstanceOutput(instances, () =>
      Promise.all(
        Array.from({ length: CALLS }, async (_, call) => {
          const instance = instances[call % INSTANCES]!;
          const response = await fetch(`${instance.url}/lark/contact?openId=${openId}`);
          return (await response.json()) as { code?: number; openId?: string };
        }),
      ),
    );

    expect(answers.every((answer) => answer.code === 0 && answer.openId === openId)).toBe(true);
    expect(emulator.stats()['tenant_access_token.internal']).toBe(1);
    expect(emulator.stats()['openapi.contact.user']).toBe(CALLS);
  });
});
