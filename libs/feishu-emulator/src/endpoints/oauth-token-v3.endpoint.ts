import type { EmulatorRuntime, Route } from '../emulator.runtime.js';
import { basicCredentials, type RequestContext, stringField } from '../http/request-context.js';
import {
  grantKey,
  readTokenRequest,
  runUserTokenGrant,
  sendGrantResult,
} from '../oauth/token-request.js';
import type { GrantResult } from '../oauth/user-token.grants.js';
import { mintJwtLikeToken } from '../state/token-factory.js';

export const OAUTH_TOKEN_V3_PATH = '/oauth/v3/token';

const V3_GRANTS = ['authorization_code', 'refresh_token', 'client_credentials'] as const;

/**
 * `POST /oauth/v3/token` (accounts host): the v2 grants plus client_credentials; Basic or post client
 * auth (20070 for both); a code_verifier without a bound challenge is rejected (20049); v2-issued
 * refresh tokens are accepted.
 */
export const oauthTokenV3Route: Route = {
  method: 'POST',
  pattern: OAUTH_TOKEN_V3_PATH,
  shape: 'oauth',
  requiresWellFormedBody: true,
  badBodyCode: 20063,
  statsKey: (ctx) => `token.v3.${grantKey(ctx, V3_GRANTS)}`,
  // Per app: a Basic-authenticated caller names its app in the header, not the body.
  rateLimitSubject: (ctx) =>
    basicCredentials(ctx.request)?.clientId ?? stringField(ctx.body, 'client_id') ?? '',
  handle: (ctx, runtime) => sendGrantResult(ctx, handleV3(ctx, runtime)),
};

function handleV3(ctx: RequestContext, runtime: EmulatorRuntime): GrantResult {
  const request = readTokenRequest(ctx, runtime, V3_GRANTS);
  if ('code' in request) return { ok: false, code: request.code };
  if (request.grant !== 'client_credentials')
    return runUserTokenGrant(ctx, runtime, { ...request, grant: request.grant }, 'v3');
  const { app } = request;
  // client_credentials: a JWT-format tenant_access_token of a self-built app (D-TATV3).
  if (app.type !== 'self-built') return { ok: false, code: 20036 };
  const now = runtime.clock.now();
  const lifetime = runtime.options.tokenLifetimes.appToken;
  const token = runtime.tokens.add({
    token: mintJwtLikeToken({
      app_id: app.appId,
      typ: 'tenant_access_token',
      iat: Math.floor(now / 1000),
    }),
    kind: 'tenant',
    origin: 'v3',
    appId: app.appId,
    tenantKey: app.tenantKeys[0],
    scopes: [],
    issuedAt: now,
    expiresAt: now + lifetime * 1000,
    servesAsAppToken: true,
  });
  return {
    ok: true,
    body: { code: 0, access_token: token.token, token_type: 'Bearer', expires_in: lifetime },
  };
}
