import type { EmulatorApp } from '../emulator.options.js';
import type { EmulatorRuntime, Route } from '../emulator.runtime.js';
import { USER_TOKEN_NOT_SUPPORTED } from '../emulator.messages.js';
import {
  bearerToken,
  hasNonStringField,
  type RequestContext,
  stringField,
} from '../http/request-context.js';
import { sendFeishuError, sendJson } from '../http/responses.js';
import { GRANT_FIELD } from '../oauth/token-request.js';
import { checkUserAvailability } from '../oauth/user-token.grants.js';
import { mintPrefixedToken } from '../state/token-factory.js';
import type { TokenRecord } from '../state/token-registry.js';

/** The v1 era's refresh tokens lived about 30 days. */
const V1_REFRESH_LIFETIME_SECONDS = 30 * 24 * 3600;

type Outcome = { data: Record<string, unknown> } | { code: number };

/**
 * Legacy v1 OIDC (`/open-apis/authen/v1/oidc/*`), still used by the Node SDK's `userAccessToken`
 * helper: Bearer app (or tenant) token, `{code,msg,data}` answers, every business error on HTTP 200,
 * `u-`/`ur-` tokens, 20046 for an app of the other brand.
 */
function oidcRoute(
  path: string,
  grantType: 'authorization_code' | 'refresh_token',
  handler: (value: string, runtime: EmulatorRuntime, app: EmulatorApp) => Outcome,
): Route {
  // The grant's own field (`code` or `refresh_token`); without it, 20001.
  const grantOutcome = (ctx: RequestContext, runtime: EmulatorRuntime, app: EmulatorApp) => {
    const value = stringField(ctx.body, GRANT_FIELD[grantType]);
    return value === undefined ? { code: 20001 } : handler(value, runtime, app);
  };
  return {
    method: 'POST',
    pattern: `/open-apis/authen/v1/oidc/${path}`,
    shape: 'feishu',
    requiresWellFormedBody: true,
    badBodyCode: 9499,
    statsKey: () => `oidc.${path}`,
    rateLimitSubject: () => 'oidc',
    handle: (ctx, runtime) => {
      const token = authenticateCaller(ctx, runtime);
      if (!token) return;
      const app = runtime.findApp(token.appId);
      const outcome = !app
        ? { code: 20048 }
        : app.brand !== runtime.options.brand
          ? { code: 20046 }
          : hasNonStringField(ctx.body, ['grant_type', 'code', 'refresh_token'])
            ? { code: 20001 }
            : stringField(ctx.body, 'grant_type') === undefined
              ? { code: 20001 }
              : stringField(ctx.body, 'grant_type') !== grantType
                ? { code: 20036 }
                : grantOutcome(ctx, runtime, app);
      if ('data' in outcome)
        sendJson(ctx.response, 200, { code: 0, msg: 'success', data: outcome.data });
      else sendFeishuError(ctx.response, 200, outcome.code);
    },
  };
}

/**
 * The caller's app (or tenant) token. A missing Bearer header (99991661) or a user token (99991668)
 * is refused by the gateway on HTTP 400; a token the gateway lets through but the endpoint cannot
 * use is a business error on HTTP 200, as the v1 error tables list it: 20013 for a dead tenant
 * token, 20014 for an unknown or dead app token.
 */
function authenticateCaller(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
): TokenRecord | undefined {
  const token = bearerToken(ctx.request);
  if (token === undefined) return refuse(ctx, 400, 99991661);
  const record = runtime.tokens.get(token);
  if (record?.kind === 'user_access' || record?.kind === 'user_refresh') {
    return refuse(ctx, 400, 99991668, USER_TOKEN_NOT_SUPPORTED);
  }
  if (record && record.state === 'live' && runtime.clock.now() < record.expiresAt) return record;
  const deadTenantToken = record?.kind === 'tenant' && !record.servesAsAppToken;
  return refuse(ctx, 200, deadTenantToken ? 20013 : 20014);
}

function refuse(ctx: RequestContext, status: number, code: number, msg?: string): undefined {
  sendFeishuError(ctx.response, status, code, msg);
  return undefined;
}

export const oidcAccessTokenRoute = oidcRoute(
  'access_token',
  'authorization_code',
  (value, runtime, app) => {
    const code = runtime.codes.get(value);
    if (!code || code.usedAt !== undefined) return { code: 20003 };
    if (runtime.clock.now() >= code.expiresAt) return { code: 20004 };
    if (code.appId !== app.appId) return { code: 20024 };
    const user = checkUserAvailability(runtime, app, code.userKey);
    if ('code' in user) return { code: user.code };
    code.usedAt = runtime.clock.now();
    return {
      data: issueV1Tokens(
        runtime,
        app,
        user.openId,
        user.tenantKey,
        code.scopes,
        code.authorizedAt,
      ),
    };
  },
);

export const oidcRefreshAccessTokenRoute = oidcRoute(
  'refresh_access_token',
  'refresh_token',
  (value, runtime, app) => {
    const record = runtime.tokens.get(value);
    if (
      !record ||
      record.kind !== 'user_refresh' ||
      record.origin !== 'v1' ||
      record.state === 'invalidated'
    ) {
      return { code: 20026 };
    }
    if (record.appId !== app.appId) return { code: 20024 };
    if (record.state !== 'live') return { code: 20038 };
    if (runtime.clock.now() >= record.expiresAt) return { code: 20037 };
    const user = checkUserAvailability(runtime, app, record.userKey);
    if ('code' in user) return { code: user.code };
    record.state = 'rotated';
    return {
      data: issueV1Tokens(
        runtime,
        app,
        user.openId,
        record.tenantKey ?? user.tenantKey,
        record.grantedScopes,
        record.authorizedAt,
      ),
    };
  },
);

function issueV1Tokens(
  runtime: EmulatorRuntime,
  app: EmulatorApp,
  userKey: string,
  tenantKey: string,
  scopes: string[],
  authorizedAt: number,
): Record<string, unknown> {
  const now = runtime.clock.now();
  const accessLifetime = runtime.options.tokenLifetimes.accessToken;
  const common = {
    origin: 'v1' as const,
    appId: app.appId,
    userKey,
    tenantKey,
    scopes,
    issuedAt: now,
    authorizedAt,
  };
  const access = runtime.tokens.add({
    ...common,
    token: mintPrefixedToken('u-'),
    kind: 'user_access',
    expiresAt: now + accessLifetime * 1000,
  });
  const data: Record<string, unknown> = {
    access_token: access.token,
    token_type: 'Bearer',
    // The v1 examples show one second less than the lifetime (7199, 2591999).
    expires_in: accessLifetime - 1,
    scope: scopes.join(' '),
  };
  if (app.scopes.includes('offline_access')) {
    const refresh = runtime.tokens.add({
      ...common,
      token: mintPrefixedToken('ur-'),
      kind: 'user_refresh',
      expiresAt: now + V1_REFRESH_LIFETIME_SECONDS * 1000,
      pairedAccessToken: access.token,
    });
    data.refresh_token = refresh.token;
    data.refresh_expires_in = V1_REFRESH_LIFETIME_SECONDS - 1;
  }
  return data;
}
