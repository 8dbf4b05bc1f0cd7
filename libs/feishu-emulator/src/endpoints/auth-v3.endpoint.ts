import type { EmulatorApp } from '../emulator.options.js';
import type { EmulatorRuntime, Route } from '../emulator.runtime.js';
import { hasNonStringField, type RequestContext, stringField } from '../http/request-context.js';
import { sendFeishuError, sendJson } from '../http/responses.js';
import { mintPrefixedToken } from '../state/token-factory.js';
import type { TokenRecord } from '../state/token-registry.js';

/** Documented: a token with ≥ 30 min left is handed out again. */
const REUSE_THRESHOLD_SECONDS = 1800;
/**
 * Feishu answers `expire: 7200` for a token it just minted; the clock may tick between minting
 * and answering here, which would otherwise report a second less.
 */
const MINTED_NOW_MS = 5;

type Outcome = { body: Record<string, unknown> } | { code: number; msg?: string };

/**
 * `/open-apis/auth/v3/*`: app and tenant tokens. Always HTTP 200, fields at the top level, errors
 * in `code`/`msg` (rule 16, 17).
 */
function authV3Route(
  path: string,
  handler: (ctx: RequestContext, runtime: EmulatorRuntime) => Outcome,
): Route {
  return {
    method: 'POST',
    pattern: `/open-apis/auth/v3/${path}`,
    shape: 'feishu',
    requiresWellFormedBody: true,
    badBodyCode: 9499,
    // Counted under the path after auth/v3, dotted: `tenant_access_token.internal`.
    statsKey: () => path.replaceAll('/', '.'),
    handle: (ctx, runtime) => {
      if (
        hasNonStringField(ctx.body, [
          'app_id',
          'app_secret',
          'app_ticket',
          'app_access_token',
          'tenant_key',
        ])
      ) {
        sendFeishuError(ctx.response, 200, 10003);
        return;
      }
      const outcome = handler(ctx, runtime);
      if ('body' in outcome) sendJson(ctx.response, 200, outcome.body);
      else sendFeishuError(ctx.response, 200, outcome.code, outcome.msg);
    },
  };
}

export const tenantAccessTokenInternalRoute = authV3Route(
  'tenant_access_token/internal',
  (ctx, runtime) => {
    const app = authenticateSelfBuilt(ctx, runtime);
    if ('code' in app) return app;
    return tokenAnswer(runtime, 'ok', selfBuiltTenantToken(runtime, app), 'tenant_access_token');
  },
);

export const appAccessTokenInternalRoute = authV3Route(
  'app_access_token/internal',
  (ctx, runtime) => {
    const app = authenticateSelfBuilt(ctx, runtime);
    if ('code' in app) return app;
    // A self-built app's app_access_token is its tenant_access_token (S4's example shows both equal).
    const token = selfBuiltTenantToken(runtime, app);
    return tokenAnswer(runtime, 'ok', token, 'app_access_token', 'tenant_access_token');
  },
);

export const appAccessTokenRoute = authV3Route('app_access_token', (ctx, runtime) => {
  const app = authenticateApp(ctx, runtime);
  if ('code' in app) return app;
  if (app.type !== 'store') return { code: 10014, msg: 'app unauthorized: not a store app' };
  const ticket = stringField(ctx.body, 'app_ticket');
  if (ticket === undefined) return { code: 10003 };
  if (ticket !== runtime.appTickets.get(app.appId)) return { code: 10012 };
  const token = currentOrNewToken(runtime, `app:${app.appId}`, () => ({
    token: mintPrefixedToken('a-'),
    kind: 'app',
    appId: app.appId,
  }));
  return tokenAnswer(runtime, 'success', token, 'app_access_token');
});

export const tenantAccessTokenRoute = authV3Route('tenant_access_token', (ctx, runtime) => {
  const appToken = stringField(ctx.body, 'app_access_token');
  const tenantKey = stringField(ctx.body, 'tenant_key');
  if (appToken === undefined || tenantKey === undefined) return { code: 10003 };
  const record = runtime.tokens.get(appToken);
  if (
    !record ||
    record.kind !== 'app' ||
    record.state !== 'live' ||
    runtime.clock.now() >= record.expiresAt
  ) {
    return { code: 99991664 };
  }
  const app = runtime.findApp(record.appId);
  if (!app?.enabled) return { code: 10014, msg: 'app unauthorized' };
  if (!app.tenantKeys.includes(tenantKey))
    return { code: 10013, msg: 'get tenant access token fail: app not installed in tenant' };
  const token = tenantToken(runtime, app, tenantKey, false);
  return tokenAnswer(runtime, 'success', token, 'tenant_access_token');
});

export const appTicketResendRoute = authV3Route('app_ticket/resend', (ctx, runtime) => {
  const app = authenticateApp(ctx, runtime);
  if ('code' in app) return app;
  if (app.type !== 'store') return { code: 10016 };
  runtime.scheduleAppTicketPush(app.appId);
  return { body: { code: 0, msg: 'success' } };
});

/** 10003 unknown or missing app_id/app_secret, wrong secret 10014/10015, disabled app 10014. */
function authenticateApp(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
): EmulatorApp | { code: number; msg?: string } {
  const appId = stringField(ctx.body, 'app_id');
  const secret = stringField(ctx.body, 'app_secret');
  const app = runtime.findApp(appId);
  if (!app || secret === undefined) return { code: 10003 };
  if (app.appSecret !== secret) return { code: runtime.options.wrongAppSecretCode };
  if (!app.enabled) return { code: 10014, msg: 'app unauthorized' };
  return app;
}

function authenticateSelfBuilt(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
): EmulatorApp | { code: number; msg?: string } {
  const app = authenticateApp(ctx, runtime);
  if ('code' in app) return app;
  if (app.type !== 'self-built')
    return { code: 10014, msg: 'app unauthorized: not a self-built app' };
  return app;
}

export function selfBuiltTenantToken(runtime: EmulatorRuntime, app: EmulatorApp): TokenRecord {
  return tenantToken(runtime, app, app.tenantKeys[0], true);
}

/** The tenant's current `t-` token of the app; a self-built app's also serves as its app token. */
function tenantToken(
  runtime: EmulatorRuntime,
  app: EmulatorApp,
  tenantKey: string,
  servesAsAppToken: boolean,
): TokenRecord {
  return currentOrNewToken(runtime, `tenant:${app.appId}:${tenantKey}`, () => ({
    token: mintPrefixedToken('t-'),
    kind: 'tenant',
    appId: app.appId,
    tenantKey,
    ...(servesAsAppToken ? { servesAsAppToken } : {}),
  }));
}

/** A success answer: the token under each of `fields`, and the whole seconds it has left. */
function tokenAnswer(
  runtime: EmulatorRuntime,
  msg: 'ok' | 'success',
  token: TokenRecord,
  ...fields: string[]
): Outcome {
  const tokens = Object.fromEntries(fields.map((field) => [field, token.token]));
  return { body: { code: 0, msg, ...tokens, expire: remainingSeconds(runtime, token) } };
}

/**
 * The 30-minute rule: the current token again while enough of it remains, else a new one; the old
 * one stays valid until its own expiry. With shortened test lifetimes the threshold shrinks to a
 * quarter of the lifetime, the documented ratio (30 min of 2 h).
 */
function currentOrNewToken(
  runtime: EmulatorRuntime,
  slot: string,
  mint: () => Pick<TokenRecord, 'token' | 'kind' | 'appId' | 'tenantKey' | 'servesAsAppToken'>,
): TokenRecord {
  const now = runtime.clock.now();
  const lifetime = runtime.options.tokenLifetimes.appToken;
  const threshold = Math.min(REUSE_THRESHOLD_SECONDS, lifetime / 4) * 1000;
  const current = runtime.tokens.currentFor(slot);
  if (current && current.state === 'live' && current.expiresAt - now >= threshold) return current;
  const record = runtime.tokens.add({
    ...mint(),
    origin: 'auth-v3',
    scopes: [],
    issuedAt: now,
    expiresAt: now + lifetime * 1000,
  });
  runtime.tokens.setCurrent(slot, record.token);
  return record;
}

/** Whole seconds left, rounded down; a token minted by this very call reports its full lifetime. */
function remainingSeconds(runtime: EmulatorRuntime, token: TokenRecord): number {
  const now = runtime.clock.now();
  const left =
    now - token.issuedAt < MINTED_NOW_MS ? token.expiresAt - token.issuedAt : token.expiresAt - now;
  return Math.max(0, Math.floor(left / 1000));
}
