import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import type {
  FeishuCachedToken,
  FeishuUserTokenRecord,
} from '../interfaces/feishu-token-store.interface.js';
import type { IssuedToken } from '../oauth/feishu-app-auth.client.js';
import { fullJitterDelay } from '../utils/backoff.util.js';

/**
 * When tokens renew: plain functions of (token, now, options), no I/O. To change when a token is
 * due, when a caller waits for its renewal or how long a failed renewal backs off, edit this file.
 *
 * App and tenant tokens are due from the point Feishu surely mints a new one: it hands back the
 * same token while `refresh.appTokenMarginSeconds` (its 30-minute rule) or more remain by its own
 * count, so asking earlier only wastes a call. User tokens are due `refresh.userTokenMarginSeconds`
 * before they expire; a caller waits for the refresh only in the last min(60 s, margin / 2).
 */
export type RenewalOptions = Pick<
  ResolvedFeishuAuthOptions['refresh'],
  'appTokenMarginSeconds' | 'userTokenMarginSeconds' | 'intervalMs'
>;

/** `expire` is whole seconds rounded down: a token may live up to this much longer than it says. */
export const EXPIRE_ROUNDING_MS = 1_000;
/** Past Feishu's window edge by 1% of the margin, at most 5 s: the edge itself still gets the same token. */
const WINDOW_SAFETY_SHARE = 0.01;
const MAX_WINDOW_SAFETY_MS = 5_000;
/** An app or tenant token is served while more than min(this, margin / 2) is left. */
const MAX_APP_LEEWAY_MS = 30_000;
/** After a renewal that did not move the due time, look again this soon (or sooner, near expiry). */
const MIN_RECHECK_MS = 1_000;
/** A caller waits for a user's refresh only when less than min(this, margin / 2) is left. */
const MAX_WAIT_FLOOR_MS = 60_000;
/** Without a refresh token a user's record lives as long as the access token, at least this. */
const MIN_RECORD_TTL_SECONDS = 60;
/** A refresh token without a stated lifetime is kept this long. */
const UNSTATED_REFRESH_LIFETIME_MS = 365 * 24 * 3600 * 1000;
export const FAILURE_BACKOFF_BASE_MS = 1_000;
export const FAILURE_BACKOFF_MAX_MS = 60_000;

// ---- app and tenant tokens -----------------------------------------------------------------

const appMarginMs = (options: RenewalOptions): number => options.appTokenMarginSeconds * 1000;

/** How long before its expiry an app or tenant token stops being handed out. */
export function appTokenLeewayMs(options: RenewalOptions): number {
  return Math.min(MAX_APP_LEEWAY_MS, appMarginMs(options) / 2);
}

/** Still worth handing out: more than the leeway before Feishu stops accepting it. */
export function isServable(
  token: FeishuCachedToken,
  now: number,
  options: RenewalOptions,
): boolean {
  return token.expiresAt - now > appTokenLeewayMs(options);
}

/**
 * The cached form of a token endpoint's answer. Feishu read its clock somewhere between our
 * request leaving (`startedAt`) and its answer arriving (`finishedAt`), and rounded the seconds
 * left down. So the token expires no earlier than `startedAt + expire` (what we serve by) and no
 * later than `finishedAt + expire`, plus the rounding unless the token was just minted (`sameToken`
 * false: Feishu mints with its full lifetime). Feishu surely mints a new one once less than the
 * margin is left by the later bound; `renewAt` is that point, a small safety past it.
 */
export function cachedTokenOf(
  answer: IssuedToken,
  sameToken: boolean,
  options: RenewalOptions,
): FeishuCachedToken {
  const expireMs = answer.expire * 1000;
  const latestExpiry = answer.finishedAt + expireMs + (sameToken ? EXPIRE_ROUNDING_MS : 0);
  const marginMs = appMarginMs(options);
  const safetyMs = Math.min(MAX_WINDOW_SAFETY_MS, marginMs * WINDOW_SAFETY_SHARE);
  return {
    token: answer.token,
    expiresAt: answer.startedAt + expireMs,
    renewAt: latestExpiry - marginMs + safetyMs,
  };
}

/**
 * When an app or tenant token is due: its `renewAt` (a token written without it, by a store that
 * drops unknown fields, allows for the rounding), never later than the moment it stops being
 * served (only with margins of a few seconds, shorter than Feishu's rounding allows for).
 */
export function appTokenDueAt(token: FeishuCachedToken, options: RenewalOptions): number {
  const sureAt = token.renewAt ?? token.expiresAt - appMarginMs(options) + EXPIRE_ROUNDING_MS;
  return Math.min(sureAt, token.expiresAt - appTokenLeewayMs(options));
}

/**
 * When to look at a token just cached again: its due time, or soon when that has passed already
 * (Feishu handed back the same token, or rounded `expire` down), but while it is still served.
 */
export function nextAppRenewalAt(
  token: FeishuCachedToken,
  now: number,
  options: RenewalOptions,
): number {
  const recheckMs = Math.min(
    MIN_RECHECK_MS,
    (token.expiresAt - now - appTokenLeewayMs(options)) / 2,
  );
  return Math.max(appTokenDueAt(token, options), now + Math.max(0, recheckMs));
}

// ---- user tokens ---------------------------------------------------------------------------

const userMarginMs = (options: RenewalOptions): number => options.userTokenMarginSeconds * 1000;

export function userTokenDueAt(record: FeishuUserTokenRecord, options: RenewalOptions): number {
  return record.accessTokenExpiresAt - userMarginMs(options);
}

/**
 * The scheduler plans a refresh one tick (at most one margin) before the request path would
 * start it, so under load it normally renews before any request finds the token due.
 */
export function schedulerLeadMs(options: RenewalOptions): number {
  return Math.min(options.intervalMs, userMarginMs(options));
}

/** Due for requests (`leadMs` 0) or for the scheduler (`leadMs` = `schedulerLeadMs`). */
export function isUserTokenDue(
  record: FeishuUserTokenRecord,
  now: number,
  options: RenewalOptions,
  leadMs = 0,
): boolean {
  return now >= userTokenDueAt(record, options) - leadMs;
}

/**
 * Too close to expiry to hand out while a refresh runs: min(60 s, half the margin) left, so a
 * token served from the background path stays valid for the request that uses it.
 */
export function mustWaitForUserToken(
  record: FeishuUserTokenRecord,
  now: number,
  options: RenewalOptions,
): boolean {
  const floorMs = Math.min(MAX_WAIT_FLOOR_MS, userMarginMs(options) / 2);
  return record.accessTokenExpiresAt - now <= floorMs;
}

export function isUserTokenExpired(record: FeishuUserTokenRecord, now: number): boolean {
  return record.accessTokenExpiresAt <= now;
}

/** A user's record lives as long as it can still produce an access token. */
export function userRecordTtlSeconds(record: FeishuUserTokenRecord, now: number): number {
  const end = record.refreshToken
    ? (record.refreshTokenExpiresAt ?? record.accessTokenExpiresAt + UNSTATED_REFRESH_LIFETIME_MS)
    : record.accessTokenExpiresAt;
  return Math.max(MIN_RECORD_TTL_SECONDS, Math.ceil((end - now) / 1000));
}

// ---- failures ------------------------------------------------------------------------------

/**
 * No renewal of a token whose last `attempt` renewals failed before the returned time (epoch ms):
 * at least the base, plus exponential backoff with full jitter, so callers keep being served a
 * still-valid token instead of each asking Feishu again.
 */
export function retryAfterFailureAt(attempt: number, now: number, random = Math.random): number {
  return (
    now +
    FAILURE_BACKOFF_BASE_MS +
    fullJitterDelay(attempt, FAILURE_BACKOFF_BASE_MS, FAILURE_BACKOFF_MAX_MS, random)
  );
}
