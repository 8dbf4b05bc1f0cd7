import { Redis } from 'ioredis';
import type { RedisServer } from '../../test/support/redis-server.js';
import { cpuMicros } from './support/cpu.js';
import { EmulatorProcess } from './support/emulator.js';
import {
  FAST_RENEWAL_ENV,
  SHORT_LIFETIMES,
  flushRedis,
  signedInCookie,
  startInstances,
  stopInstances,
  tokenStatus,
  type InstanceApp,
} from './support/instances.js';
import { runLoad, type LoadResult } from './support/load.js';
import { processCpuMicros } from './support/proc-cpu.js';
import { fmt, ratio, type Section } from './support/report.js';

const CONNECTIONS = 16;
const DURATION_SECONDS = 20;
const FINGERPRINTS = /"userToken":"([0-9a-f]+)","tenantToken":"([0-9a-f]+)"/;
/** The issue's goal: coordinating several processes costs nothing measurable. */
const TOTAL_CPU_GOAL = 1.1;

/** CPU time (µs) used so far by each process serving the load (the load generator excluded). */
interface CpuTotals {
  apps: number;
  emulator: number;
  redis: number;
}

/** Per process kind: `/cpu-usage` of the apps, `/proc/<pid>/stat` of the emulator and redis-server. */
async function cpuTotals(
  apps: InstanceApp[],
  emulator: EmulatorProcess,
  redisPid: number,
): Promise<CpuTotals> {
  const [perApp, emulatorMicros, redisMicros] = await Promise.all([
    Promise.all(apps.map(cpuMicros)),
    processCpuMicros(emulator.pid),
    processCpuMicros(redisPid),
  ]);
  return {
    apps: perApp.reduce((sum, micros) => sum + micros, 0),
    emulator: emulatorMicros,
    redis: redisMicros,
  };
}

async function redisServerPid(url: string): Promise<number> {
  const redis = new Redis(url);
  try {
    return Number(/^process_id:(\d+)/m.exec(await redis.info('server'))?.[1]);
  } finally {
    redis.disconnect();
  }
}

interface ClusterRun {
  processes: number;
  load: LoadResult;
  tenantCalls: number;
  userCalls: number;
  /** New tokens seen in answers during the run (the ones from before the run excluded). */
  newTenantTokens: number;
  newUserTokens: number;
  callerWaits: number;
  /** CPU µs per request over the load, per process kind, and their sum. */
  cpuPerRequest: CpuTotals & { total: number };
}

async function runCluster(
  emulator: EmulatorProcess,
  redisUrl: string,
  processes: number,
): Promise<ClusterRun> {
  await flushRedis(redisUrl);
  const cluster = await startInstances(processes, `cluster${processes}`, emulator.url, {
    ...FAST_RENEWAL_ENV,
    REDIS_URL: redisUrl,
  });
  try {
    const cookie = await signedInCookie(cluster[0]!);
    const first = await (await fetch(`${cluster[0]!.url}/me`, { headers: { cookie } })).text();
    const [, userBefore, tenantBefore] = FINGERPRINTS.exec(first) ?? [];
    const waitsBefore = await Promise.all(cluster.map(tokenStatus));
    await emulator.resetStats();
    const redisPid = await redisServerPid(redisUrl);
    const cpuBefore = await cpuTotals(cluster, emulator, redisPid);
    const users = new Set<string>();
    const tenants = new Set<string>();
    const load = await runLoad({
      url: cluster.map((instance) => `${instance.url}/me`),
      cookie,
      connections: CONNECTIONS,
      durationSeconds: DURATION_SECONDS,
      onBody: (body) => {
        const match = FINGERPRINTS.exec(body);
        if (!match) return;
        users.add(match[1]!);
        tenants.add(match[2]!);
      },
    });
    const cpuAfter = await cpuTotals(cluster, emulator, redisPid);
    const stats = await emulator.stats();
    const waitsAfter = await Promise.all(cluster.map(tokenStatus));
    users.delete(userBefore ?? '');
    tenants.delete(tenantBefore ?? '');
    return {
      processes,
      load,
      tenantCalls: stats['tenant_access_token.internal'] ?? 0,
      userCalls: stats['token.v2.refresh_token'] ?? 0,
      newTenantTokens: tenants.size,
      newUserTokens: users.size,
      callerWaits: waitsAfter.reduce(
        (sum, s, i) => sum + s.callerWaits - waitsBefore[i]!.callerWaits,
        0,
      ),
      cpuPerRequest: perRequest(cpuBefore, cpuAfter, load.requests),
    };
  } finally {
    await stopInstances(cluster);
  }
}

function perRequest(
  before: CpuTotals,
  after: CpuTotals,
  requests: number,
): CpuTotals & { total: number } {
  const of = (kind: keyof CpuTotals) => (after[kind] - before[kind]) / Math.max(1, requests);
  const apps = of('apps');
  const emulator = of('emulator');
  const redis = of('redis');
  return { apps, emulator, redis, total: apps + emulator + redis };
}

function perExpiry(calls: number, tokens: number): string {
  return tokens > 0 ? fmt(calls / tokens, 2) : '—';
}

/** Which of the issue's goals the four-process run met. */
function verdict(run: ClusterRun, one: ClusterRun): string {
  const cpuRatio = run.cpuPerRequest.total / one.cpuPerRequest.total;
  const exact = (calls: number, tokens: number) => tokens > 0 && calls === tokens;
  const goals = [
    `failed requests ${run.load.failed === 0 ? 'met' : `not met (${run.load.failed})`}`,
    `one refresh per expiry for the user token ${exact(run.userCalls, run.newUserTokens) ? 'met' : 'not met'}`,
    `for the tenant token ${exact(run.tenantCalls, run.newTenantTokens) ? 'met' : 'not met'}`,
    `total CPU per request ≤ ${TOTAL_CPU_GOAL}× one process's ${cpuRatio <= TOTAL_CPU_GOAL ? 'met' : 'not met'} (${fmt(cpuRatio, 2)}×)`,
  ];
  return `Goals with four processes: ${goals.join('; ')}.`;
}

/** Benchmark 5: four processes on one Redis under load while tokens expire, against one. */
export async function instances(redis: RedisServer): Promise<Section> {
  const emulator = await EmulatorProcess.start({ tokenLifetimes: SHORT_LIFETIMES });
  try {
    const one = await runCluster(emulator, redis.url, 1);
    const four = await runCluster(emulator, redis.url, 4);
    const row = (run: ClusterRun) => [
      `${run.processes} process${run.processes > 1 ? 'es' : ''}`,
      fmt(run.load.requestsPerSecond),
      fmt(run.load.p99Ms),
      fmt(run.load.failed),
      `${perExpiry(run.tenantCalls, run.newTenantTokens)} (${run.tenantCalls} calls / ${run.newTenantTokens} tokens)`,
      `${perExpiry(run.userCalls, run.newUserTokens)} (${run.userCalls} calls / ${run.newUserTokens} tokens)`,
      fmt(run.callerWaits),
      run === one
        ? '1.00× (anchor)'
        : ratio(run.load.requestsPerSecond, one.load.requestsPerSecond),
      fmt(run.cpuPerRequest.apps, 1),
      fmt(run.cpuPerRequest.emulator, 1),
      fmt(run.cpuPerRequest.redis, 1),
      fmt(run.cpuPerRequest.total, 1),
      run === one ? '1.00× (anchor)' : ratio(run.cpuPerRequest.total, one.cpuPerRequest.total),
    ];
    return {
      title: '5. Several instances on one Redis',
      method:
        'instance-app processes sharing one redis-server, tokens living ' +
        `${SHORT_LIFETIMES.accessToken} s and renewed 1 s before expiry (about every 3 s), ` +
        `under ${DURATION_SECONDS} s of load on the guarded \`/me\` (autocannon, ${CONNECTIONS} ` +
        'connections spread round-robin over the instances, one session signed in on the first ' +
        'and used on all). Refreshes per expiry: upstream token calls the emulator counted, ' +
        'divided by the new tokens that appeared in the answers (goal: exactly 1.00). Anchor: ' +
        'the same load on one process on the same Redis. CPU per request: the CPU time (user + ' +
        'system) every process serving the load used during it, divided by the requests: the apps ' +
        'from their own `process.cpuUsage()` (the `/cpu-usage` route, summed over the instances), ' +
        'the emulator and redis-server from `/proc/<pid>/stat` (10 ms ticks); the load generator is ' +
        'left out. With fewer cores than processes req/s cannot grow, so total CPU per request is ' +
        'how this machine shows what running four processes costs (goal: at most ' +
        `${TOTAL_CPU_GOAL}× one process's).`,
      table: {
        head: [
          'processes',
          'req/s',
          'p99 (ms)',
          'failed (goal 0)',
          'tenant refreshes per expiry',
          'user refreshes per expiry',
          'callers that waited',
          'throughput vs one',
          'CPU µs / req: apps',
          'emulator',
          'redis-server',
          'total',
          'total CPU vs one',
        ],
        rows: [row(one), row(four)],
      },
      verdict: verdict(four, one),
    };
  } finally {
    await emulator.stop();
  }
}
