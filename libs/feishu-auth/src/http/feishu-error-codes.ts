import type { FeishuErrorKind } from '../feishu-auth.errors.js';

/** The login failures a refused code exchange maps to (a part of `FeishuLoginFailureReason`). */
export type FeishuCodeLoginFailure =
  'code_invalid' | 'code_expired' | 'code_app_mismatch' | 'pkce_mismatch' | 'redirect_uri_mismatch';

/** What one Feishu `code` means, and what the library does about it. */
export interface FeishuCodeMeaning {
  /** `FeishuApiError.kind` of an answer with this code. */
  readonly kind: Exclude<FeishuErrorKind, 'timeout'>;
  /** `FeishuApiError.hint`: what to check, in words a developer acts on. */
  readonly hint: string;
  /** A code exchange refused with this code: the login is spent, the client gets 400 with this reason. */
  readonly login?: FeishuCodeLoginFailure;
  /**
   * A refresh refused with this code ends the user's stored tokens (they must sign in again);
   * `used`: the same, unless another caller has just rotated the refresh token.
   */
  readonly record?: 'dies' | 'used';
  /**
   * What the library does about it: `fresh-token` drops the token a call used and retries once;
   * `fresh-app-token` (the v1 OIDC endpoints) drops the app token in their header and retries once;
   * `resend-app-ticket` asks Feishu to push a new app_ticket.
   */
  readonly recover?: 'fresh-token' | 'fresh-app-token' | 'resend-app-ticket';
  /** Feishu says it is temporarily unavailable: answered 503 (not 502). */
  readonly unavailable?: true;
}

const REDIRECT_HINT =
  'The redirect_uri must be registered exactly (scheme, host, port, path; no wildcards) in the developer console → ' +
  'Security Settings → Redirect URLs, and the same value must be sent to the authorize page and the token endpoint.';
const SECRET_HINT =
  'Check appId and appSecret (developer console → Credentials & Basic Info); the secret may have been reset.';
const REAUTH_HINT =
  'A refresh token is single use and expires: the user must sign in again. If two processes refresh the same ' +
  "user, share one FeishuTokenStore so they see each other's rotated token.";
const RETRY_HINT =
  'Feishu had a transient failure; the request was retried with backoff. Try again later.';
const UAT_HINT =
  'The user access token is invalid or expired: it is refreshed automatically; if this persists, the user must sign in again.';

/**
 * Every Feishu code the library knows (§3.5, §3.7, §4, §5 and §8 of the protocol notes): the one
 * place a code's meaning is written. A code not listed is a `request` error; with HTTP 429 any
 * code is `rate-limited`, and a `request` error with a 5xx is `transient` (see `kindOfFeishuCode`).
 * One row per code, on one line, so the table reads as a table.
 */
// prettier-ignore
export const FEISHU_ERROR_CODES: Readonly<Record<number, FeishuCodeMeaning>> = {
  // OAuth token endpoints (v2 / v3 / legacy v1 OIDC)
  20001: { kind: 'request', hint: 'A required parameter is missing from the request (e.g. code, grant_type, client_id).' },
  20002: { kind: 'config', hint: SECRET_HINT },
  20003: { kind: 'request', login: 'code_invalid', hint: 'The authorization code was not found or was already used: a code is single use; restart the login.' },
  20004: { kind: 'request', login: 'code_expired', hint: 'The authorization code expired (it lives 5 minutes): restart the login.' },
  20005: { kind: 'invalid-token', hint: UAT_HINT },
  20007: { kind: 'request', hint: 'The app access token used for the legacy OIDC endpoint is invalid: it is renewed automatically.' },
  20008: { kind: 'request', hint: 'The user does not exist in this tenant.' },
  20009: { kind: 'config', hint: "The app is not installed in the user's tenant: ask the tenant admin to install or enable it." },
  20010: { kind: 'request', hint: "The user has no permission to use this app: check the app's availability range in the admin console." },
  20013: { kind: 'request', hint: 'The app access token used for the legacy OIDC endpoint has expired: it is renewed automatically.' },
  20014: { kind: 'config', recover: 'fresh-app-token', hint: 'The app access token used for the legacy OIDC endpoint is invalid: check appId/appSecret.' },
  20021: { kind: 'request', hint: 'The user has resigned.' },
  20022: { kind: 'request', hint: 'The user is frozen.' },
  20023: { kind: 'request', hint: 'The user is not registered.' },
  20024: { kind: 'config', login: 'code_app_mismatch', record: 'dies', hint: 'The authorization code or refresh token belongs to another app: check appId (one app per FeishuAuthModule).' },
  20025: { kind: 'config', hint: "The app is not authorised for this operation on the legacy OIDC endpoint; switch tokenEndpoint to 'v2'." },
  20026: { kind: 'reauth', record: 'dies', hint: `The refresh token is invalid (legacy "ur-" tokens are not accepted by v2). ${REAUTH_HINT}` },
  20027: { kind: 'request', hint: 'A requested scope is not enabled for the app: enable it in the developer console → Permissions & Scopes, then publish a version.' },
  20028: { kind: 'request', hint: 'The legacy OIDC request is malformed.' },
  20029: { kind: 'config', hint: REDIRECT_HINT },
  20035: { kind: 'config', hint: "The app has no permission for this legacy OIDC call; switch tokenEndpoint to 'v2'." },
  20036: { kind: 'config', hint: 'The grant_type is not supported by this endpoint.' },
  20037: { kind: 'reauth', record: 'dies', hint: `The refresh token expired (7 days by default, 365 days after the first grant at most). ${REAUTH_HINT}` },
  20038: { kind: 'reauth', record: 'used', hint: `The refresh token was not found (already used). ${REAUTH_HINT}` },
  20039: { kind: 'config', hint: "The legacy OIDC endpoint refused the request; switch tokenEndpoint to 'v2'." },
  20042: { kind: 'config', hint: 'The legacy OIDC endpoint refused the app; check that it is enabled.' },
  20046: { kind: 'config', hint: "Brand mismatch: a Feishu app must use domain 'feishu' (open.feishu.cn) and a Lark app domain 'lark' (open.larksuite.com)." },
  20048: { kind: 'config', hint: 'The app does not exist: check appId and domain (a Lark app id on the Feishu domain or vice versa).' },
  20049: { kind: 'request', login: 'pkce_mismatch', hint: 'PKCE verification failed: the code_verifier does not match the code_challenge sent to the authorize page (or v3 got a verifier without a challenge).' },
  20050: { kind: 'transient', hint: RETRY_HINT },
  20063: { kind: 'request', hint: 'The token request is malformed (check the JSON body and Content-Type).' },
  20064: { kind: 'reauth', record: 'used', hint: `The refresh token was already used (revoked on rotation). ${REAUTH_HINT}` },
  20065: { kind: 'request', login: 'code_invalid', hint: 'The authorization code was already used: a code is single use; restart the login.' },
  20066: { kind: 'request', hint: "The user's status is invalid (resigned, frozen or not activated)." },
  20067: { kind: 'request', hint: 'The scope list has duplicates.' },
  20068: { kind: 'request', hint: 'A requested scope was not granted by the user or is not enabled for the app.' },
  20069: { kind: 'config', hint: 'The app is not enabled: enable it (or publish a version) in the developer console.' },
  20070: { kind: 'config', hint: 'Send client credentials once: in the body (client_id + client_secret) without an Authorization: Basic header.' },
  20071: { kind: 'config', login: 'redirect_uri_mismatch', hint: REDIRECT_HINT },
  20072: { kind: 'transient', unavailable: true, hint: RETRY_HINT },
  20073: { kind: 'reauth', record: 'used', hint: `The refresh token was already used. ${REAUTH_HINT}` },
  20074: { kind: 'config', record: 'dies', hint: 'Refreshing user tokens is disabled for the app: turn on "Refresh user_access_token" in the developer console → Security Settings, enable offline_access, and publish a version.' },
  // auth/v3 (app and tenant tokens)
  10003: { kind: 'config', hint: 'Invalid parameter: check appId (and, for store apps, the app_ticket and tenant_key).' },
  10012: { kind: 'request', recover: 'resend-app-ticket', hint: 'The app_ticket is stale or unknown: a resend was requested; the next ticket arrives at the event URL.' },
  10013: { kind: 'request', hint: 'Feishu could not issue the tenant access token: check that the app is installed in that tenant (tenant_key).' },
  10014: { kind: 'config', hint: SECRET_HINT },
  10015: { kind: 'config', hint: SECRET_HINT },
  10016: { kind: 'config', hint: 'app_ticket resend failed: only store apps receive app tickets (check appType).' },
  99991543: { kind: 'config', hint: SECRET_HINT },
  // Gateway codes on every OpenAPI call
  99991400: { kind: 'rate-limited', hint: "Feishu's rate limit was hit (per app, tenant and API): calls are retried after x-ogw-ratelimit-reset; slow down." },
  99991661: { kind: 'invalid-token', recover: 'fresh-token', hint: 'The request carried no access token (Authorization: Bearer <token> is missing).' },
  99991662: { kind: 'config', hint: 'The app is not in use in this tenant: ask the admin to enable it.' },
  99991663: { kind: 'invalid-token', recover: 'fresh-token', hint: "The tenant access token is invalid or expired, or this API does not accept a tenant token (try token: 'user')." },
  99991664: { kind: 'invalid-token', recover: 'fresh-token', hint: 'The app access token is invalid: it is renewed automatically.' },
  99991665: { kind: 'invalid-token', recover: 'fresh-token', hint: 'The tenant access token is invalid: it is renewed automatically.' },
  99991668: { kind: 'invalid-token', recover: 'fresh-token', hint: `${UAT_HINT} If the message says "not support", this API does not accept a user token (try token: 'tenant').` },
  99991669: { kind: 'reauth', record: 'dies', hint: `The user refresh token is invalid. ${REAUTH_HINT}` },
  99991671: { kind: 'invalid-token', hint: 'The token has an unexpected format.' },
  99991672: { kind: 'config', hint: 'The app lacks a scope this API requires: enable it in the developer console → Permissions & Scopes and publish a version.' },
  99991673: { kind: 'config', hint: 'The app is unavailable in this tenant: check that it is installed and enabled.' },
  99991676: { kind: 'request', hint: 'The token has no permission for this API.' },
  99991677: { kind: 'invalid-token', recover: 'fresh-token', hint: 'The user access token expired: it is refreshed automatically.' },
  99991679: { kind: 'request', hint: 'The user did not grant a scope this API needs: add it to scopes and have the user sign in again (see error.permission_violations).' },
};

/** The table's row for a Feishu `code`; `undefined` for a code it does not list (or a non-number). */
export function feishuCodeMeaning(code: unknown): FeishuCodeMeaning | undefined {
  return typeof code === 'number' && Object.hasOwn(FEISHU_ERROR_CODES, code)
    ? FEISHU_ERROR_CODES[code]
    : undefined;
}

/** The kind of a Feishu answer with a non-zero `code` (or of an HTTP error without one). */
export function kindOfFeishuCode(code: number, httpStatus?: number): FeishuErrorKind {
  if (httpStatus === 429) return 'rate-limited';
  const kind = feishuCodeMeaning(code)?.kind ?? 'request';
  // A request error that came with a 5xx is Feishu failing: a retry may succeed.
  if (kind === 'request' && httpStatus !== undefined && httpStatus >= 500) return 'transient';
  return kind;
}
