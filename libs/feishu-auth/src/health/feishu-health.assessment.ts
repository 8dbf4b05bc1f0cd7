import type { FeishuCachedToken } from '../interfaces/feishu-token-store.interface.js';
import type { FeishuTokenStatus } from '../services/token-status.tracker.js';

/** What the store read gave: the token it holds, or the error (or timeout) that stopped it. */
export type StoreReading =
  { ok: true; token: FeishuCachedToken | undefined } | { ok: false; reason: string };

/** What the health check looks at: nothing here comes from Feishu. */
export interface FeishuHealthInputs {
  now: number;
  reading: StoreReading;
  /** Which token was read: the tenant token (self-built apps, or a named tenant) or the app token. */
  tokenKind: 'app' | 'tenant';
  status: FeishuTokenStatus;
  /** The scheduler's interval. */
  intervalMs: number;
  /** When this instance's health checks began (epoch ms): a first tick is awaited that long. */
  since: number;
}

/**
 * - `fresh`: the store holds a token that has not expired;
 * - `renewable`: none (or an expired one), and no renewal has failed since the last success, so the
 *   next caller gets one;
 * - `failing`: no valid token and the last renewal failed;
 * - `unknown`: the store did not answer.
 */
export type FeishuTokenHealth = 'fresh' | 'renewable' | 'failing' | 'unknown';

/** `ticking`: a tick started within the last `SCHEDULER_LATE_INTERVALS` intervals. */
export type FeishuSchedulerHealth = 'ticking' | 'stopped' | 'late';

/** A scheduler whose last tick started more than this many intervals ago is late (stuck). */
export const SCHEDULER_LATE_INTERVALS = 3;

/** The details a health check reports: states, times and the store's error, never a token. */
export interface FeishuHealthDetails {
  store: 'up' | 'down';
  storeError?: string;
  token: FeishuTokenHealth;
  tokenKind: 'app' | 'tenant';
  tokenExpiresAt?: number;
  scheduler: FeishuSchedulerHealth;
  lastSchedulerTickAt?: number;
}

/** Healthy when the store answers, the token is fresh or renewable and the scheduler ticks. */
export function assessFeishuHealth(inputs: FeishuHealthInputs): {
  healthy: boolean;
  details: FeishuHealthDetails;
} {
  const { reading, status } = inputs;
  const token = tokenHealth(inputs);
  const scheduler = schedulerHealth(inputs);
  const details: FeishuHealthDetails = {
    store: reading.ok ? 'up' : 'down',
    ...(reading.ok ? {} : { storeError: reading.reason }),
    token,
    tokenKind: inputs.tokenKind,
    ...(reading.ok && reading.token ? { tokenExpiresAt: reading.token.expiresAt } : {}),
    scheduler,
    ...(status.lastSchedulerTickAt === undefined
      ? {}
      : { lastSchedulerTickAt: status.lastSchedulerTickAt }),
  };
  const healthy =
    reading.ok && (token === 'fresh' || token === 'renewable') && scheduler === 'ticking';
  return { healthy, details };
}

function tokenHealth({ now, reading, status }: FeishuHealthInputs): FeishuTokenHealth {
  if (!reading.ok) return 'unknown';
  if (reading.token && reading.token.expiresAt > now) return 'fresh';
  const { lastFailureAt, lastRefreshAt } = status;
  const failedSinceSuccess =
    lastFailureAt !== undefined && (lastRefreshAt === undefined || lastFailureAt >= lastRefreshAt);
  return failedSinceSuccess ? 'failing' : 'renewable';
}

function schedulerHealth({
  now,
  status,
  intervalMs,
  since,
}: FeishuHealthInputs): FeishuSchedulerHealth {
  if (!status.schedulerRunning) return 'stopped';
  const lateAfter = SCHEDULER_LATE_INTERVALS * intervalMs;
  const last = status.lastSchedulerTickAt ?? since;
  return now - last <= lateAfter ? 'ticking' : 'late';
}
