/** Which tokens a route handler's parameters ask for; read by `FeishuAuthGuard`. */
export const FEISHU_TOKEN_PARAMS = Symbol('feishu-auth:token-params');

export type FeishuTokenParamKind = 'user' | 'tenant';

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

/** The tokens resolved for one request, by kind. */
export type FeishuResolvedTokens = Partial<Record<FeishuTokenParamKind, string>>;

// Resolved tokens live beside the request, not on it, so logging the request never prints them.
const resolvedTokens = new WeakMap<object, FeishuResolvedTokens>();

export function setResolvedTokens(request: object, tokens: FeishuResolvedTokens): void {
  resolvedTokens.set(request, tokens);
}

export function getResolvedToken(request: object, kind: FeishuTokenParamKind): string | undefined {
  return resolvedTokens.get(request)?.[kind];
}
