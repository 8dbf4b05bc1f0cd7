import type { ExecutionContext } from '@nestjs/common';

/** Which tokens a route handler's parameters ask for; read by `FeishuAuthGuard`. */
export const FEISHU_TOKEN_PARAMS = Symbol('feishu-auth:token-params');

export type FeishuTokenParamKind = 'user' | 'tenant';

/** The tokens a handler's parameters ask for, as the guard reads them once per handler. */
export interface FeishuTokenNeeds {
  readonly user: boolean;
  readonly tenant: boolean;
}

/**
 * Param-decorator enhancer: records on the handler that one of its parameters needs a token, so
 * the guard resolves that token before the handler runs, and only for such handlers.
 */
export function requireTokenForHandler(kind: FeishuTokenParamKind): ParameterDecorator {
  return (target, propertyKey) => {
    if (propertyKey === undefined) {
      return;
    }
    const handler = (target as Record<string | symbol, unknown>)[propertyKey];
    if (typeof handler !== 'function') {
      return;
    }
    const kinds: FeishuTokenParamKind[] = Reflect.getMetadata(FEISHU_TOKEN_PARAMS, handler) ?? [];
    if (!kinds.includes(kind)) {
      Reflect.defineMetadata(FEISHU_TOKEN_PARAMS, [...kinds, kind], handler);
    }
  };
}

/** The needs recorded by `requireTokenForHandler`; `undefined` when the handler asks for none. */
export function tokenNeeds(
  kinds: readonly FeishuTokenParamKind[] | undefined,
): FeishuTokenNeeds | undefined {
  if (kinds === undefined || kinds.length === 0) {
    return undefined;
  }
  return { user: kinds.includes('user'), tenant: kinds.includes('tenant') };
}

/**
 * The tokens resolved for one request. Kept in private fields under a symbol key, so printing or
 * serializing the request never shows them.
 */
class ResolvedTokens {
  readonly #user: string | undefined;
  readonly #tenant: string | undefined;

  constructor(user: string | undefined, tenant: string | undefined) {
    this.#user = user;
    this.#tenant = tenant;
  }

  get(kind: FeishuTokenParamKind): string | undefined {
    return kind === 'user' ? this.#user : this.#tenant;
  }
}

const RESOLVED_TOKENS = Symbol('feishu-auth:resolved-tokens');

interface WithResolvedTokens {
  [RESOLVED_TOKENS]?: ResolvedTokens;
}

export function setResolvedTokens(
  request: object,
  user: string | undefined,
  tenant: string | undefined,
): void {
  (request as WithResolvedTokens)[RESOLVED_TOKENS] = new ResolvedTokens(user, tenant);
}

export function getResolvedToken(request: object, kind: FeishuTokenParamKind): string | undefined {
  return (request as WithResolvedTokens)[RESOLVED_TOKENS]?.get(kind);
}

/**
 * The request of an HTTP execution context: its first argument, read without `switchToHttp()`,
 * which adds three closures to the context on every call.
 */
export function contextRequest<TRequest>(context: ExecutionContext): TRequest {
  return context.getArgByIndex<TRequest>(0);
}
