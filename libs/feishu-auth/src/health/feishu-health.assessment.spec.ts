import type { FeishuTokenStatus } from '../services/token-status.tracker.js';
import { assessFeishuHealth, type FeishuHealthInputs } from './feishu-health.assessment.js';

const NOW = 1_000_000;
const INTERVAL = 30_000;

function inputs(overrides: {
  reading?: FeishuHealthInputs['reading'];
  status?: Partial<FeishuTokenStatus>;
  since?: number;
}): FeishuHealthInputs {
  return {
    now: NOW,
    reading: overrides.reading ?? { ok: true, token: { token: 't', expiresAt: NOW + 60_000 } },
    tokenKind: 'tenant',
    status: {
      refreshes: { app: 0, tenant: 0, user: 0 },
      proactiveRefreshes: 0,
      failures: {},
      callerWaits: 0,
      unreplicatedWrites: 0,
      schedulerRunning: true,
      schedulerTicks: 1,
      lastSchedulerTickAt: NOW - 1_000,
      sameTokenAnswers: { app: 0, tenant: 0 },
      ...overrides.status,
    },
    intervalMs: INTERVAL,
    since: overrides.since ?? NOW - 1_000,
  };
}

describe('assessFeishuHealth', () => {
  it.each([
    ['a fresh token and a ticking scheduler', inputs({}), true, { token: 'fresh', store: 'up' }],
    [
      'no token yet and nothing failed',
      inputs({ reading: { ok: true, token: undefined } }),
      true,
      { token: 'renewable' },
    ],
    [
      'an expired token renewed before the last failure',
      inputs({
        reading: { ok: true, token: { token: 't', expiresAt: NOW - 1 } },
        status: { lastRefreshAt: NOW - 10, lastFailureAt: NOW - 20 },
      }),
      true,
      { token: 'renewable' },
    ],
    [
      'no token and a failed renewal since the last success',
      inputs({
        reading: { ok: true, token: undefined },
        status: { lastRefreshAt: NOW - 20, lastFailureAt: NOW - 10 },
      }),
      false,
      { token: 'failing' },
    ],
    [
      'a fresh token even though a renewal failed since',
      inputs({ status: { lastRefreshAt: NOW - 20, lastFailureAt: NOW - 10 } }),
      true,
      { token: 'fresh' },
    ],
    [
      'a store that does not answer',
      inputs({ reading: { ok: false, reason: 'no answer within 1000 ms' } }),
      false,
      { store: 'down', storeError: 'no answer within 1000 ms', token: 'unknown' },
    ],
    [
      'a stopped scheduler',
      inputs({ status: { schedulerRunning: false } }),
      false,
      { scheduler: 'stopped' },
    ],
    [
      'a scheduler whose last tick is three intervals and more old',
      inputs({ status: { lastSchedulerTickAt: NOW - 3 * INTERVAL - 1 } }),
      false,
      { scheduler: 'late' },
    ],
    [
      'a scheduler that has not ticked yet, just after boot',
      inputs({ status: { lastSchedulerTickAt: undefined, schedulerTicks: 0 } }),
      true,
      { scheduler: 'ticking' },
    ],
    [
      'a scheduler that never ticked long after boot',
      inputs({
        status: { lastSchedulerTickAt: undefined, schedulerTicks: 0 },
        since: NOW - 4 * INTERVAL,
      }),
      false,
      { scheduler: 'late' },
    ],
  ])('should judge %s', (_case, given, healthy, details) => {
    const result = assessFeishuHealth(given);

    expect(result.healthy).toBe(healthy);
    expect(result.details).toMatchObject(details);
    expect(JSON.stringify(result.details)).not.toContain('"t"');
  });
});
