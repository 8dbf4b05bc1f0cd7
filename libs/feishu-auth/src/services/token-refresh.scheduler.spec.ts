import { jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { FEISHU_TOKEN_REFRESH_INTERVAL } from '../feishu-auth.constants.js';
import { FeishuAuthModule } from '../feishu-auth.module.js';
import type {
  FeishuAuthModuleOptions,
  FeishuTokenRefreshFailedEvent,
} from '../interfaces/feishu-auth-module-options.interface.js';
import { TokenService } from './token.service.js';

const MINUTE = 60_000;
const LIFETIME_MS = 7200 * 1000;
const REUSE_WINDOW_MS = 1800 * 1000;

/** Lets real I/O (the emulator's sockets) progress while timers are fake. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; !condition(); turn++) {
    if (turn > 20_000) throw new Error('condition not met');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('TokenRefreshScheduler', () => {
  let emulator: FeishuEmulator;
  let app: INestApplication;
  const failures: FeishuTokenRefreshFailedEvent[] = [];

  beforeEach(async () => {
    jest.useFakeTimers({
      doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'performance'],
    });
    failures.length = 0;
    emulator = await FeishuEmulator.start({ clock: () => Date.now() });
    const options: FeishuAuthModuleOptions = {
      appId: 'cli_emulator_selfbuilt',
      appSecret: 'emulator-self-built-secret',
      domain: { open: emulator.url, accounts: emulator.url },
      redirectUri: 'http://localhost:3000/auth/feishu/callback',
      session: { secret: 'scheduler-test-session-secret' },
      http: { retries: 2, retryBaseDelayMs: 0, retryMaxDelayMs: 0 },
      refresh: { intervalMs: MINUTE },
      onTokenRefreshFailed: (event) => failures.push(event),
    };
    const moduleRef = await Test.createTestingModule({
      imports: [FeishuAuthModule.forRoot(options)],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterEach(async () => {
    await app.close();
    await emulator.close();
    jest.useRealTimers();
  });

  const upstreamCalls = () => emulator.stats()['tenant_access_token.internal'] ?? 0;

  it('should not renew a tenant token while 30 minutes or more remain, and renew it after', async () => {
    const tokens = app.get(TokenService);
    const first = await tokens.getTenantAccessToken();

    await jest.advanceTimersByTimeAsync(LIFETIME_MS - REUSE_WINDOW_MS - 2 * MINUTE);
    expect(await tokens.getTenantAccessToken()).toBe(first);
    expect(upstreamCalls()).toBe(1);

    await jest.advanceTimersByTimeAsync(3 * MINUTE);
    await until(() => tokens.status().refreshes.tenant === 2);

    expect(upstreamCalls()).toBe(2);
    const second = await tokens.getTenantAccessToken();
    expect(second).not.toBe(first);
    expect(upstreamCalls()).toBe(2);
    expect(tokens.status()).toMatchObject({
      proactiveRefreshes: 1,
      callerWaits: 1,
      schedulerRunning: true,
    });
  });

  it('should keep serving the cached token when a renewal fails, then retry with backoff', async () => {
    const tokens = app.get(TokenService);
    const first = await tokens.getTenantAccessToken();
    emulator.failNext({ endpoint: 'tenant_access_token.internal', status: 500, times: 3 });

    await jest.advanceTimersByTimeAsync(LIFETIME_MS - REUSE_WINDOW_MS + MINUTE);
    await until(() => failures.length === 1);

    expect(upstreamCalls()).toBe(4); // the first fetch, then one renewal: 1 attempt + 2 retries
    expect(failures[0]).toMatchObject({ kind: 'tenant', stillValid: true });
    expect(JSON.stringify(failures[0])).not.toContain(first);
    expect(await tokens.getTenantAccessToken()).toBe(first);
    expect(tokens.status().failures).toEqual({ transient: 1 });

    await jest.advanceTimersByTimeAsync(2 * MINUTE);
    await until(() => tokens.status().refreshes.tenant === 2);
    expect(upstreamCalls()).toBe(5);
    expect(await tokens.getTenantAccessToken()).not.toBe(first);
  });

  it('should register its interval and remove it on shutdown', async () => {
    const registry = app.get(SchedulerRegistry);
    expect(registry.doesExist('interval', FEISHU_TOKEN_REFRESH_INTERVAL)).toBe(true);

    await app.close();

    expect(registry.doesExist('interval', FEISHU_TOKEN_REFRESH_INTERVAL)).toBe(false);
    expect(app.get(TokenService).status().schedulerRunning).toBe(false);
  });

  it('should be harmless next to an app that imports ScheduleModule.forRoot() itself', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ScheduleModule.forRoot(),
        FeishuAuthModule.forRoot({
          appId: 'cli_emulator_selfbuilt',
          appSecret: 'emulator-self-built-secret',
          domain: { open: emulator.url, accounts: emulator.url },
          redirectUri: 'http://localhost:3000/auth/feishu/callback',
          session: { secret: 'scheduler-test-session-secret' },
        }),
      ],
    }).compile();
    const other = moduleRef.createNestApplication({ logger: false });
    await other.init();

    const intervals = other.get(SchedulerRegistry).getIntervals();

    expect(intervals.filter((name) => name === FEISHU_TOKEN_REFRESH_INTERVAL)).toHaveLength(1);
    await expect(other.get(TokenService).getTenantAccessToken()).resolves.toBeTruthy();
    await other.close();
  });
});
