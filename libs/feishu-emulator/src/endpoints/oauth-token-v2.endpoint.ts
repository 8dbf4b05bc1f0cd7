import type { EmulatorRuntime, Route } from '../emulator.runtime.js';
import { type RequestContext, stringField } from '../http/request-context.js';
import {
  grantKey,
  readTokenRequest,
  runUserTokenGrant,
  sendGrantResult,
} from '../oauth/token-request.js';
import type { GrantResult } from '../oauth/user-token.grants.js';

export const OAUTH_TOKEN_V2_PATH = '/open-apis/authen/v2/oauth/token';

const V2_GRANTS = ['authorization_code', 'refresh_token'] as const;

/**
 * `POST /open-apis/authen/v2/oauth/token`: RFC 6749 token endpoint, JSON or form body, top-level
 * success fields, `{code,error,error_description}` errors on HTTP 400 (500/503 for 20050/20072).
 */
export const oauthTokenV2Route: Route = {
  method: 'POST',
  pattern: OAUTH_TOKEN_V2_PATH,
  shape: 'oauth',
  requiresWellFormedBody: true,
  badBodyCode: 20063,
  statsKey: (ctx) => `token.v2.${grantKey(ctx, V2_GRANTS)}`,
  rateLimitSubject: (ctx) => stringField(ctx.body, 'client_id') ?? '',
  handle: (ctx, runtime) => sendGrantResult(ctx, handleV2(ctx, runtime)),
};

function handleV2(ctx: RequestContext, runtime: EmulatorRuntime): GrantResult {
  const request = readTokenRequest(ctx, runtime, V2_GRANTS);
  if ('code' in request) return { ok: false, code: request.code };
  return runUserTokenGrant(ctx, runtime, request, 'v2');
}
