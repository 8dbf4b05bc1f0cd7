import type { RedisServer } from '../../test/support/redis-server.js';
import { EmulatorProcess } from './support/emulator.js';
import {
  FAST_RENEWAL_ENV,
  SHORT_LIFETIMES,
  signedInCookie,
  startInstances,
  stopInstances,
  tokenStatus,
} from './support/instances.js';
import { percentile, runLoad } from './support/load.js';
import { fmt, ratio, type Section } from './support/report.js';

const CONNECTIONS = 10;
const DURATION_SECONDS = 40;
/** A request is "during a renewal" when it overlaps this much time around an upstream token call. */
const WINDOW_MS = 100;
const UPSTREAM_KEYS = ['tenant_access_token.internal', 'token.v2.refresh_token'];

/** True when [start, end] comes within WINDOW_MS of a time in the sorted `calls`. */
function nearCall(calls: number[], start: number, end: number): boolean {
  let low = 0;
  let high = calls.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (calls[middle]! < start - WINDOW_MS) low = middle + 1;
    else high = middle;
  }
  return low < calls.length && calls[low]! <= end + WINDOW_MS;
}

/** Benchmark 3: constant load on the guarded route while every token is renewed ≥ 10 times. */
export async function steadyState(_redis: RedisServer): Promise<Section> {
  const emulator = await EmulatorProcess.start({
    tokenLifetimes: SHORT_LIFETIMES,
    logRequests: true,
  });
  const [instance] = await startInstances(1, 'steady', emulator.url, FAST_RENEWAL_ENV);
  try {
    const cookie = await signedInCookie(instance!);
    const before = await tokenStatus(instance!);
    await emulator.resetStats();
    const answers: { end: number; latency: number }[] = [];
    const result = await runLoad({
      url: `${instance!.url}/me`,
      cookie,
      connections: CONNECTIONS,
      durationSeconds: DURATION_SECONDS,
      onAnswer: (end, latency) => answers.push({ end, latency }),
    });
    const after = await tokenStatus(instance!);
    const stats = await emulator.stats();
    const calls = [...emulator.tokenCalls].sort((a, b) => a - b);
    const during: number[] = [];
    const outside: number[] = [];
    for (const { end, latency } of answers) {
      (nearCall(calls, end - latency, end) ? during : outside).push(latency);
    }
    const upstream = UPSTREAM_KEYS.reduce((sum, key) => sum + (stats[key] ?? 0), 0);
    const renewals = {
      tenant: after.refreshes.tenant - before.refreshes.tenant,
      user: after.refreshes.user - before.refreshes.user,
    };
    const waits = after.callerWaits - before.callerWaits;
    const proactive = after.proactiveRefreshes - before.proactiveRefreshes;
    const p99During = percentile(during, 99);
    const p99Outside = percentile(outside, 99);
    return {
      title: '3. Steady state across token lifetimes',
      method:
        `The emulator issues user and tenant tokens that live ${SHORT_LIFETIMES.accessToken} s; ` +
        'the instance renews them 1 s before expiry (margins 1 s, scheduler tick 100 ms), so ' +
        `every token is renewed about every 3 s during ${DURATION_SECONDS} s of constant load ` +
        `(autocannon, ${CONNECTIONS} connections, session cookie) on the guarded \`/me\`. ` +
        'Requests that waited on an upstream token call come from the library ' +
        '(`TokenService.status().callerWaits`, one per waiting caller) and are cross-checked with ' +
        "the emulator's count of token calls. A request is *during a renewal* when it was in " +
        `flight within ${WINDOW_MS} ms of a token call answered by the emulator.`,
      table: {
        head: ['figure', 'ours', 'anchor', 'ratio'],
        rows: [
          [
            'requests (req/s)',
            `${fmt(result.requests)} (${fmt(result.requestsPerSecond)})`,
            '—',
            '—',
          ],
          ['failed requests', fmt(result.failed), 'goal: 0', '—'],
          [
            'renewals: tenant / user token',
            `${renewals.tenant} / ${renewals.user}`,
            'goal: ≥ 10 each',
            '—',
          ],
          [
            'renewals started by the scheduler before anyone asked',
            `${proactive} of ${renewals.tenant + renewals.user}`,
            '—',
            '—',
          ],
          [
            'upstream token calls (emulator)',
            fmt(upstream),
            `renewals: ${renewals.tenant + renewals.user}`,
            ratio(upstream, renewals.tenant + renewals.user),
          ],
          ['requests that waited on an upstream token call', fmt(waits), 'goal: 0', '—'],
          [
            'p99 latency during renewals / outside (ms)',
            `${fmt(p99During, 1)} (${fmt(during.length)} req)`,
            `${fmt(p99Outside, 1)} (${fmt(outside.length)} req)`,
            ratio(p99During, p99Outside),
          ],
          [
            'p50 latency during renewals / outside (ms)',
            fmt(percentile(during, 50), 1),
            fmt(percentile(outside, 50), 1),
            ratio(percentile(during, 50), percentile(outside, 50)),
          ],
        ],
      },
      verdict:
        waits === 0
          ? 'Goal met: no request waited on an upstream token call.'
          : `Goal not met: ${fmt(waits)} request(s) waited on an upstream token call ` +
            `(${fmt((waits / Math.max(1, result.requests)) * 100, 3)}% of requests).`,
    };
  } finally {
    await stopInstances([instance!]);
    await emulator.stop();
  }
}
