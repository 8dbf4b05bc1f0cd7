import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import {
  FeishuAuthModule,
  FeishuOAuthClient,
  InMemoryTokenStore,
  RedisTokenStore,
  TokenRefreshScheduler,
  TokenService,
  type FeishuTokenStore,
} from '@feishu-auth/nestjs';
import type { RedisServer } from '../../test/support/redis-server.js';
import { EmulatorProcess } from './support/emulator.js';
import { benchOpenId, fakeRecord, forEachLimited } from './support/fake-records.js';
import { SELF_BUILT, benchOptions } from './support/app-options.js';
import { fmt, type Section } from './support/report.js';

const USERS = 100_000;
const DUE = USERS / 100;
const IDLE_TICKS = 20;
const MAX_RATE = 50; // the option's ceiling, Feishu's documented 50/s
const DEFAULT_RATE = 20;
const DAY_MS = 86_400_000;

interface StoreFigures {
  bytesPerUser: number;
  idleTickMs: number;
  dueTickCpuMs: number;
  dueTickWallMs: number;
  refreshed: number;
}

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
}

async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}

/** Writes 100k users as the library would (record + due-index entry); resolves bytes per user. */
async function fill(store: FeishuTokenStore, measure: () => Promise<number>): Promise<number> {
  const before = await measure();
  const now = Date.now();
  await forEachLimited(USERS, 200, async (index) => {
    const record = fakeRecord(index, now);
    await store.setUserToken(record, 7 * 86_400);
    await store.scheduleRefresh(`user:${record.openId}`, now + DAY_MS);
  });
  return ((await measure()) - before) / USERS;
}

/** Replaces 1% of the users with real emulator tokens that are due now. */
async function makeOnePercentDue(app: INestApplicationContext, emulator: EmulatorProcess) {
  const oauth = app.get(FeishuOAuthClient);
  const tokens = app.get(TokenService);
  const openId = 'ou_78aeb5207746c1ae408063a8c9741149'; // the emulator's first user
  // Issued with 200 s to live, under the 300 s margin: due as soon as they are saved.
  await emulator.setTokenLifetimes({ accessToken: 200 });
  await forEachLimited(DUE, 20, async (index) => {
    const code = await emulator.issueCode(SELF_BUILT.appId, openId);
    const issued = await oauth.exchangeCode({ code, redirectUri: null });
    await tokens.saveUserTokens(
      { openId: benchOpenId(index), tenantKey: 'tenant_emulator_1' },
      issued,
    );
  });
  // What the refreshes get back lives 2 h, so the tick renews each due user once.
  await emulator.setTokenLifetimes({ accessToken: 7200 });
}

async function measureStore(
  emulator: EmulatorProcess,
  store: FeishuTokenStore,
  measure: () => Promise<number>,
): Promise<StoreFigures> {
  const bytesPerUser = await fill(store, measure);
  @Module({
    imports: [
      FeishuAuthModule.forRoot(
        benchOptions(emulator.url, { store, refresh: { maxRefreshesPerSecond: MAX_RATE } }),
      ),
    ],
  })
  class ScaleModule {}
  const app = await NestFactory.createApplicationContext(ScaleModule, { logger: ['error'] });
  try {
    const scheduler = app.get(TokenRefreshScheduler);
    const idle: number[] = [];
    for (let tick = 0; tick < IDLE_TICKS; tick++) {
      const startedAt = performance.now();
      await scheduler.tick();
      idle.push(performance.now() - startedAt);
    }
    await makeOnePercentDue(app, emulator);
    await emulator.resetStats();
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    await scheduler.tick();
    const dueTickWallMs = performance.now() - startedAt;
    const cpu = process.cpuUsage(cpuBefore);
    const refreshed = (await emulator.stats())['token.v2.refresh_token'] ?? 0;
    return {
      bytesPerUser,
      idleTickMs: idle.sort((a, b) => a - b)[Math.floor(IDLE_TICKS / 2)]!,
      dueTickCpuMs: (cpu.user + cpu.system) / 1000,
      dueTickWallMs,
      refreshed,
    };
  } finally {
    await app.close();
  }
}

/** Benchmark 4: 100k users in each store: memory per user, and scheduler ticks. */
export async function schedulerScale(redisServer: RedisServer): Promise<Section> {
  const emulator = await EmulatorProcess.start();
  const redis = new Redis(redisServer.url);
  try {
    await redis.flushall();
    collectGarbage();
    const memory = await measureStore(
      emulator,
      new InMemoryTokenStore({ maxUsers: USERS + DUE }),
      async () => (collectGarbage(), process.memoryUsage().heapUsed),
    );
    collectGarbage();
    const redisStore = new RedisTokenStore({ url: redisServer.url });
    const onRedis = await measureStore(emulator, redisStore, () => redisUsedMemory(redis));
    await redisStore.close();
    await redis.flushall();
    const row = (name: string, f: StoreFigures) => [
      name,
      fmt(f.bytesPerUser),
      fmt(f.idleTickMs, 3),
      fmt(f.dueTickCpuMs, 0),
      fmt(f.dueTickCpuMs / Math.max(1, f.refreshed), 2),
      `${fmt(f.dueTickWallMs / 1000, 1)} s (${f.refreshed} refreshed)`,
    ];
    return {
      title: '4. Scale of the refresh scheduler: 100,000 users',
      method:
        `${fmt(USERS)} user records with JWT-like access and refresh tokens of 1–2 KB each ` +
        'written through the store API, each with its due-index entry. Memory per user: ' +
        '`process.memoryUsage().heapUsed` delta after GC (`--expose-gc`) for `InMemoryTokenStore`, ' +
        'Redis `INFO memory` `used_memory` delta for `RedisTokenStore`. Ticks: ' +
        '`TokenRefreshScheduler.tick()` called directly; nothing due is the median of ' +
        `${IDLE_TICKS} ticks. For 1% due, ${fmt(DUE)} of the users hold real emulator tokens ` +
        'that are due, and one tick refreshes them against the emulator (its own process). ' +
        `The tick paces refreshes at \`maxRefreshesPerSecond\`, set to its ceiling ${MAX_RATE}/s ` +
        "(Feishu's documented limit); the cap cannot be lifted, so the tick's own cost is its CPU " +
        'time in the runner (library + store client; the emulator and redis-server run elsewhere). ' +
        'The anchor of this benchmark is the budget: a tick with nothing due must cost next to ' +
        'nothing however many users are stored.',
      table: {
        head: [
          'store',
          'bytes per user',
          'tick, nothing due (ms)',
          'tick, 1% due: CPU (ms)',
          'CPU per refresh (ms)',
          `tick, 1% due: drain at ${MAX_RATE}/s`,
        ],
        rows: [row('in memory', memory), row('Redis', onRedis)],
      },
      verdict:
        `The drain time is the cap at work: ${fmt(DUE)} refreshes at ${MAX_RATE}/s take ` +
        `${fmt(DUE / MAX_RATE)} s; at the default ${DEFAULT_RATE}/s they take ` +
        `${fmt(DUE / DEFAULT_RATE)} s (${fmt(DUE / DEFAULT_RATE / 60, 1)} min), spread over ticks of ` +
        `at most \`maxRefreshesPerSecond × intervalMs\` members (600 at the defaults).`,
    };
  } finally {
    redis.disconnect();
    await emulator.stop();
  }
}
