import type { FeishuCodeLoginFailure } from '../http/feishu-error-codes.js';

/**
 * Why a login callback (or an in-app code sign-in) was refused. `reason` is stable (tests and clients may branch on it);
 * the message says what happened in words, never with a token, a code or a cookie value.
 */
export type FeishuLoginFailureReason =
  | FeishuCodeLoginFailure // a refused code exchange (see FEISHU_ERROR_CODES)
  | 'consent_denied'
  | 'authorization_error'
  | 'missing_code'
  | 'malformed_callback'
  | 'missing_state'
  | 'invalid_state'
  | 'state_browser_mismatch'
  | 'invalid_return_to'
  | 'query_too_large'
  | 'invalid_code_request'
  | 'malformed_code';

export const LOGIN_FAILURE_MESSAGES: Record<FeishuLoginFailureReason, string> = {
  consent_denied: 'The user refused to authorize the app on Feishu; nothing was signed in.',
  authorization_error: 'Feishu returned an authorization error instead of a code.',
  missing_code: 'The login callback carries no authorization code; start the login again.',
  malformed_callback: 'The login callback parameters are malformed; start the login again.',
  missing_state: 'The login callback carries no state; start the login again.',
  invalid_state:
    'The login state is unknown, expired or already used (possible CSRF); start the login again.',
  state_browser_mismatch:
    'The login was started in another browser (missing or different login cookie); start the login again in this browser.',
  invalid_return_to: 'returnTo must be a local path such as /dashboard.',
  query_too_large: 'The request query string is too large.',
  code_invalid:
    'The authorization code was not found or was already used (a code is single use); start the login again.',
  code_expired:
    'The authorization code has expired (codes live a few minutes); start the login again.',
  code_app_mismatch:
    "The authorization code was issued to another Feishu app; get a new code with this app's App ID.",
  invalid_code_request:
    'Send the authorization code as a JSON body: Content-Type: application/json and {"code": "<code>"} ' +
    '(optionally "session": "cookie" or "token").',
  malformed_code:
    'The authorization code is malformed: Feishu codes are at most 512 characters of A-Z, a-z, 0-9, _ and -.',
  pkce_mismatch:
    'Feishu rejected the PKCE code verifier for this code; start the login again in the same browser.',
  redirect_uri_mismatch:
    'Feishu says the redirect URI differs from the one used at authorization; check redirectUri matches the developer console.',
};

/** Logged once per process when a login returned no refresh token. */
export const NO_REFRESH_TOKEN_WARNING =
  'Feishu returned no refresh token: the app lacks the offline_access scope, so users must log in again ' +
  'when their access token expires (about 2 hours). Enable offline_access (and token refresh) for the app ' +
  'in the Feishu developer console.';
