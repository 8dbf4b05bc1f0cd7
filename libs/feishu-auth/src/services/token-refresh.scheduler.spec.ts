import { jest } from '@jest/globals';
import { Injectable, type INestApplication } from '@nestjs/common';
import { Interval, ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { FeishuEmulator } from '@feishu-auth/emulator';
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
      session: { secret: 'scheduler-test-session-secret-0123' },
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

  it('should stop ticking once the app is closed', async () => {
    const tokens = app.get(TokenService);
    await jest.advanceTimersByTimeAsync(2 * MINUTE);
    const ticks = tokens.status().schedulerTicks;
    expect(ticks).toBe(2);

    await app.close();
    await jest.advanceTimersByTimeAsync(5 * MINUTE);

    expect(tokens.status()).toMatchObject({ schedulerRunning: false, schedulerTicks: ticks });
  });

  it("should leave a host app's own ScheduleModule.forRoot() jobs running once per interval", async () => {
    let runs = 0;
    @Injectable()
    class HostJob {
      @Interval(100)
      everyTenthOfASecond(): void {
        runs++;
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [
        ScheduleModule.forRoot(),
        FeishuAuthModule.forRoot({
          appId: 'cli_emulator_selfbuilt',
          appSecret: 'emulator-self-built-secret',
          domain: { open: emulator.url, accounts: emulator.url },
          redirectUri: 'http://localhost:3000/auth/feishu/callback',
          session: { secret: 'scheduler-test-session-secret-0123' },
        }),
      ],
      providers: [HostJob],
    }).compile();
    const host = moduleRef.createNestApplication({ logger: false });
    await host.init();

    await jest.advanceTimersByTimeAsync(1000);
    await host.close();

    expect(runs).toBeGreaterThanOrEqual(8);
    expect(runs).toBeLessThanOrEqual(12);
    expect(host.get(SchedulerRegistry).getIntervals()).toHaveLength(0);
    expect(host.get(TokenService).status().schedulerRunning).toBe(false);
  });
});
