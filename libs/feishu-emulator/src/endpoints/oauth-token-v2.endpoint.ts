import type { EmulatorRuntime, Route } from '../emulator.runtime.js';
import { type RequestContext, stringField } from '../http/request-context.js';
import { sendJson, sendOAuthError } from '../http/responses.js';
import {
  authenticateApp,
  exchangeAuthorizationCode,
  type GrantResult,
  hasMalformedOAuthFields,
  readClientCredentials,
  refreshUserToken,
} from '../oauth/user-token.grants.js';

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
  handle: (ctx, runtime) => {
    const result = handleV2(ctx, runtime);
    if (result.ok)
      sendJson(ctx.response, 200, result.body, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    else sendOAuthError(ctx.response, result.code);
  },
};

/** The stats suffix of a grant type; unknown or odd values collapse to `unsupported`. */
export function grantKey(ctx: RequestContext, known: readonly string[]): string {
  const grant = stringField(ctx.body, 'grant_type');
  if (grant === undefined) return 'missing_grant_type';
  return known.includes(grant) ? grant : 'unsupported';
}

function handleV2(ctx: RequestContext, runtime: EmulatorRuntime): GrantResult {
  if (hasMalformedOAuthFields(ctx.body)) return { ok: false, code: 20063 };
  const grant = stringField(ctx.body, 'grant_type');
  if (grant === undefined) return { ok: false, code: 20001 };
  if (!(V2_GRANTS as readonly string[]).includes(grant)) return { ok: false, code: 20036 };
  const credentials = readClientCredentials(ctx);
  if ('code' in credentials) return { ok: false, code: credentials.code };
  const required = grant === 'authorization_code' ? 'code' : 'refresh_token';
  if (!credentials.clientId || !credentials.clientSecret || !stringField(ctx.body, required)) {
    return { ok: false, code: 20001 };
  }
  const app = authenticateApp(runtime, credentials);
  if ('code' in app) return { ok: false, code: app.code };
  return grant === 'authorization_code'
    ? exchangeAuthorizationCode(runtime, ctx, app, 'v2')
    : refreshUserToken(runtime, ctx, app, 'v2');
}
