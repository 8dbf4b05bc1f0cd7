import type { RedisServer } from '../../test/support/redis-server.js';
import { EmulatorProcess } from './support/emulator.js';
import { flushRedis, signedInCookie, startInstances, stopInstances } from './support/instances.js';
import { runLoad, type LoadResult } from './support/load.js';
import { fmt, ratio, type Section } from './support/report.js';

const CONNECTIONS = 10;
const DURATION_SECONDS = 10;
const WARMUP_SECONDS = 2;

interface StoreRun {
  store: string;
  unguarded: LoadResult;
  guarded: LoadResult;
}

async function measure(
  emulator: EmulatorProcess,
  store: string,
  redisUrl: string | undefined,
): Promise<StoreRun> {
  if (redisUrl) await flushRedis(redisUrl);
  const [instance] = await startInstances(1, `guard-${store}`, emulator.url, {
    REDIS_URL: redisUrl,
  });
  try {
    const cookie = await signedInCookie(instance!);
    const load = (path: string, durationSeconds = DURATION_SECONDS) =>
      runLoad({
        url: `${instance!.url}${path}`,
        cookie,
        connections: CONNECTIONS,
        durationSeconds,
      });
    await load('/me', WARMUP_SECONDS); // JIT and connection pools warm for both routes
    const unguarded = await load('/baseline');
    const guarded = await load('/me');
    return { store, unguarded, guarded };
  } finally {
    await stopInstances([instance!]);
  }
}

/** Benchmark 1: one route without a guard, and the same route behind FeishuAuthGuard. */
export async function guardOverhead(redis: RedisServer): Promise<Section> {
  const emulator = await EmulatorProcess.start();
  try {
    const runs = [
      await measure(emulator, 'in memory', undefined),
      await measure(emulator, 'Redis', redis.url),
    ];
    const rows = runs.flatMap(({ store, unguarded, guarded }) => [
      [
        store,
        '`/baseline`, no guard (anchor)',
        fmt(unguarded.requestsPerSecond),
        fmt(unguarded.p50Ms),
        fmt(unguarded.p99Ms),
        fmt(unguarded.failed),
        '1.00×',
      ],
      [
        store,
        '`/me`, `FeishuAuthGuard` + 3 decorators',
        fmt(guarded.requestsPerSecond),
        fmt(guarded.p50Ms),
        fmt(guarded.p99Ms),
        fmt(guarded.failed),
        ratio(guarded.requestsPerSecond, unguarded.requestsPerSecond),
      ],
    ]);
    return {
      title: '1. Guard overhead',
      method:
        'One instance-app process (`test/fixtures/instance-app`) per store; autocannon in the ' +
        `runner with ${CONNECTIONS} keep-alive connections for ${DURATION_SECONDS} s per route ` +
        `(after a ${WARMUP_SECONDS} s warm-up), carrying a signed-in session cookie. ` +
        '`/baseline` answers the same JSON shape as `/me` with no guard; `/me` is behind ' +
        '`FeishuAuthGuard` with `@FeishuUser()`, `@UserAccessToken()` and `@TenantAccessToken()` ' +
        '(session lookup, user token and tenant token from the store on every request). ' +
        'Latencies in ms; the ratio is guarded / unguarded requests per second.',
      table: {
        head: ['store', 'route', 'req/s', 'p50 (ms)', 'p99 (ms)', 'failed', 'ratio (req/s)'],
        rows,
      },
    };
  } finally {
    await emulator.stop();
  }
}
