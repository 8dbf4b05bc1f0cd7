import type { FeishuErrorKind } from '../feishu-auth.errors.js';

/** Feishu's own "try again" codes (token endpoints: 20050 server error, 20072 unavailable). */
export const TRANSIENT_CODES: ReadonlySet<number> = new Set([20050, 20072]);

/** Frequency control (§8, §10). */
export const RATE_LIMIT_CODE = 99991400;

/** A refresh token that can never succeed again: the user must sign in. */
export const REAUTH_CODES: ReadonlySet<number> = new Set([
  20026, 20037, 20038, 20064, 20073, 99991669,
]);

/** "Already used" refresh tokens: another caller may have rotated it a moment ago. */
export const USED_REFRESH_TOKEN_CODES: ReadonlySet<number> = new Set([20038, 20064, 20073]);

/** Gateway codes meaning "this token is not (or no longer) accepted": drop it and fetch another. */
export const INVALID_TOKEN_CODES: ReadonlySet<number> = new Set([
  20005, 99991661, 99991663, 99991664, 99991665, 99991668, 99991671, 99991677,
]);

/** Codes after which FeishuClient drops the token it used and retries once. */
export const RETRY_WITH_FRESH_TOKEN_CODES: ReadonlySet<number> = new Set([
  99991661, 99991663, 99991664, 99991665, 99991668, 99991677,
]);

/**
 * The v1 OIDC endpoints' answer (HTTP 200) to the app_access_token in their header being invalid
 * or expired: FeishuOAuthClient drops that app token and retries once. Elsewhere a config error.
 */
export const V1_OIDC_INVALID_APP_TOKEN_CODE = 20014;

/** Wrong app id / secret / redirect URI / brand / app state: fix the configuration. */
export const CONFIG_CODES: ReadonlySet<number> = new Set([
  10003, 10014, 10015, 10016, 20002, 20009, 20014, 20024, 20025, 20029, 20035, 20036, 20039, 20042,
  20046, 20048, 20069, 20070, 20071, 20074, 99991543, 99991662, 99991672, 99991673,
]);

/** The stale app_ticket code of `/auth/v3/app_access_token` (a resend is needed). */
export const STALE_APP_TICKET_CODE = 10012;

/** The kind of a Feishu answer with a non-zero `code` (or of an HTTP error without one). */
export function kindOfFeishuCode(code: number, httpStatus?: number): FeishuErrorKind {
  if (code === RATE_LIMIT_CODE || httpStatus === 429) return 'rate-limited';
  if (TRANSIENT_CODES.has(code)) return 'transient';
  if (REAUTH_CODES.has(code)) return 'reauth';
  if (INVALID_TOKEN_CODES.has(code)) return 'invalid-token';
  if (CONFIG_CODES.has(code)) return 'config';
  if (httpStatus !== undefined && httpStatus >= 500) return 'transient';
  return 'request';
}
