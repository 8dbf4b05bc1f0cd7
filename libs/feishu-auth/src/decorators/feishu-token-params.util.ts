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

// Resolved tokens live beside the request, not on it, so logging the request never prints them.
const resolvedTokens = new WeakMap<object, Partial<Record<FeishuTokenParamKind, string>>>();

export function setResolvedToken(request: object, kind: FeishuTokenParamKind, token: string): void {
  resolvedTokens.set(request, { ...resolvedTokens.get(request), [kind]: token });
}

export function getResolvedToken(request: object, kind: FeishuTokenParamKind): string | undefined {
  return resolvedTokens.get(request)?.[kind];
}
