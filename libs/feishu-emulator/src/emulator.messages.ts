/**
 * Documented error texts by code. OAuth token endpoints (v2/v3): the English `error_description`
 * of the docs' error table; the `error` strings beyond 20002/20003/20050/20064 are not documented,
 * so they follow RFC 6749 §5.2.
 */
export const OAUTH_ERRORS: Readonly<Record<number, { error: string; description: string }>> = {
  20001: { error: 'invalid_request', description: 'The request is missing a required parameter.' },
  20002: { error: 'invalid_client', description: 'The client secret is invalid.' },
  20003: {
    error: 'invalid_grant',
    description:
      'The authorization code is not found. Please note that an authorization code can only be used once.',
  },
  20004: { error: 'invalid_grant', description: 'The authorization code has expired.' },
  20008: { error: 'invalid_grant', description: 'The user does not exist.' },
  20009: { error: 'invalid_client', description: 'The specified app is not installed.' },
  20010: {
    error: 'invalid_grant',
    description: 'The user does not have permission to use this app.',
  },
  20024: {
    error: 'invalid_grant',
    description:
      'The provided authorization code or refresh token does not match the provided client ID.',
  },
  20026: {
    error: 'invalid_grant',
    description: 'The refresh token passed is invalid. Please check the value.',
  },
  20036: {
    error: 'unsupported_grant_type',
    description: 'The specified grant_type is not supported.',
  },
  20037: {
    error: 'invalid_grant',
    description: 'The refresh token passed has expired. Please generate a new one.',
  },
  20048: { error: 'invalid_client', description: 'The specified app does not exist.' },
  20049: { error: 'invalid_grant', description: 'PKCE code challenge failed.' },
  20050: {
    error: 'server_error',
    description: 'An unexpected server error occurred. Please retry your request.',
  },
  20063: {
    error: 'invalid_request',
    description: 'The request is malformed. Please check your request.',
  },
  20064: {
    error: 'invalid_grant',
    description:
      'The refresh token has been revoked. Please note that a refresh token can only be used once.',
  },
  20065: {
    error: 'invalid_grant',
    description:
      'The authorization code has been used. Please note that an authorization code can only be used once.',
  },
  20066: { error: 'invalid_grant', description: 'The user status is invalid.' },
  20067: {
    error: 'invalid_scope',
    description:
      'The provided scope list contains duplicate scopes. Please ensure all scopes are unique.',
  },
  20068: {
    error: 'invalid_scope',
    description:
      'The provided scope list contains scopes that are not permitted. Please ensure all scopes are allowed.',
  },
  20069: { error: 'invalid_client', description: 'The specified app is not enabled.' },
  20070: {
    error: 'invalid_request',
    description: 'Multiple authentication methods were provided. Please only use one to proceed.',
  },
  20071: {
    error: 'invalid_grant',
    description: 'The provided redirect URI does not match the one used during authorization.',
  },
  20072: {
    error: 'temporarily_unavailable',
    description: 'The server is temporarily unavailable. Please retry your request.',
  },
  20073: {
    error: 'invalid_grant',
    description:
      'The refresh token has been used. Please note that a refresh token can only be used once.',
  },
  20074: {
    error: 'unauthorized_client',
    description: 'The specified app is not allowed to refresh token.',
  },
};

/** HTTP status of an OAuth error code: 400 except the two documented server-side codes. */
export function oauthStatus(code: number): number {
  if (code === 20050) return 500;
  if (code === 20072) return 503;
  if (code === 99991400) return 429;
  return 400;
}

/** `{code,msg}` texts of the gateway, /auth/v3, user_info and legacy v1 OIDC errors. */
export const FEISHU_MESSAGES: Readonly<Record<number, string>> = {
  0: 'success',
  9499: 'Bad Request',
  10003: 'invalid param',
  10012: 'app ticket invalid',
  10013: 'get tenant access token fail',
  10014: 'app secret invalid',
  10015: 'wrong app secret',
  10016: 'app ticket resend failed: not a store app',
  20001: 'invalid request: a required parameter is missing',
  20002: 'the app secret is invalid',
  20003: 'the code is invalid or has been used',
  20004: 'the code has expired',
  20005: 'the user access token passed is invalid',
  20008: 'the user does not exist',
  20010: 'the user has no permission to use this app',
  20013: 'The tenant access token passed is invalid. Please check the value',
  20014: 'The app access token passed is invalid. Please check the value',
  20021: 'the user has resigned',
  20022: 'the user is frozen',
  20023: 'the user is not registered',
  20024: 'the code or refresh token does not belong to this app',
  20026: 'the refresh token passed is invalid',
  20027: 'the requested scope is not enabled for the app',
  20029: 'the redirect_uri is invalid',
  20036: 'the grant_type is not supported',
  20037: 'the refresh token passed has expired',
  20038: 'the refresh token has been used or was not found',
  20046: 'Brand inconsistency: use a Feishu app on Feishu domains and a Lark app on Lark domains',
  20048: 'the app does not exist',
  20050: 'internal server error',
  20063: 'the request is malformed',
  99991400: 'request trigger frequency limit',
  99991661: 'Missing access token for authorization. Please make a request with token attached.',
  99991663: 'Invalid access token for authorization. Please make a request with token attached.',
  99991664: 'invalid app token',
  99991668: 'Invalid access token for authorization. Please make a request with token attached.',
  99991677: 'token expire',
};

export const USER_TOKEN_NOT_SUPPORTED = 'user access token not support';

export function feishuMessage(code: number): string {
  return FEISHU_MESSAGES[code] ?? 'emulated error';
}

export const unknownPathMessage = (method: string, path: string): string =>
  `404 page not found: ${method} ${path}`;
export const bodyTooLargeMessage = (limit: number): string => `request body exceeds ${limit} bytes`;
export const malformedBodyMessage = (): string => 'the request body is not valid JSON or form data';
