import type { EmulatorRuntime, Route } from '../emulator.runtime.js';
import { authenticateGateway } from '../http/gateway-auth.js';
import type { RequestContext } from '../http/request-context.js';
import { sendFeishuError, sendJson } from '../http/responses.js';
import {
  type EmulatorApiCall,
  EmulatorApiError,
  type EmulatorHttpMethod,
  type EmulatorTokenType,
} from './openapi-call.js';

/** An OpenAPI endpoint: the gateway's token rules, then a handler that returns `data`. */
export interface OpenApiRouteDefinition {
  method: EmulatorHttpMethod;
  /** A path, where `:name` segments become `call.params.name`. */
  pattern: string;
  /** The stats key of every call that reaches the route. */
  statsKey: string;
  /** Tokens the route accepts. */
  tokens: readonly EmulatorTokenType[];
  /** A built-in handler also reads the emulator's state; a programmable one needs only the call. */
  handle: (call: EmulatorApiCall, runtime: EmulatorRuntime) => unknown;
  /** Sees every authenticated call before the handler does (a route's request log). */
  record?: (call: EmulatorApiCall) => void;
}

/**
 * Builds the route: the Bearer token is checked first (rule 14), then the handler gets the
 * authenticated app, tenant and user with the parsed body, path params and query, and its return
 * value is answered as `{code:0,msg:"success",data}`; an `EmulatorApiError` as `{code,msg,error}`.
 */
export function openApiRoute(definition: OpenApiRouteDefinition): Route {
  return {
    method: definition.method,
    pattern: definition.pattern,
    shape: 'feishu',
    requiresWellFormedBody: definition.method !== 'GET',
    badBodyCode: 9499,
    statsKey: () => definition.statsKey,
    handle: async (ctx, runtime) => {
      const call = authenticatedCall(ctx, runtime, definition);
      if (!call) return;
      definition.record?.(call);
      try {
        const data = await definition.handle(call, runtime);
        sendJson(ctx.response, 200, { code: 0, msg: 'success', data: data ?? {} });
      } catch (error) {
        if (!(error instanceof EmulatorApiError)) throw error;
        sendJson(ctx.response, error.status, {
          code: error.code,
          msg: error.message,
          error: { ...error.details, log_id: ctx.logId },
        });
      }
    },
  };
}

function authenticatedCall(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
  definition: OpenApiRouteDefinition,
): EmulatorApiCall | undefined {
  const token = authenticateGateway(ctx, runtime, definition.tokens);
  if (!token) return undefined;
  const app = runtime.findApp(token.appId);
  const user = runtime.findUser(token.userKey);
  if (!app || token.tenantKey === undefined || (token.kind === 'user_access' && !user)) {
    // The app or user was removed after the token was issued: the token names nobody.
    sendFeishuError(ctx.response, 400, token.kind === 'user_access' ? 99991668 : 99991663);
    return undefined;
  }
  return {
    method: definition.method,
    path: ctx.path,
    params: { ...ctx.params },
    query: Object.fromEntries(ctx.query),
    body: ctx.body,
    tokenType: token.kind === 'user_access' ? 'user' : 'tenant',
    app,
    tenantKey: token.tenantKey,
    user: token.kind === 'user_access' ? user : undefined,
    openId: token.kind === 'user_access' && user ? runtime.openIdIn(app.appId, user) : undefined,
    scopes: [...token.scopes],
    at: runtime.clock.now(),
  };
}
