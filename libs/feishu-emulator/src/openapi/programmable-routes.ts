import type { Route } from '../emulator.runtime.js';
import { matchRoute } from '../http/route-match.js';
import type {
  EmulatorApiCall,
  EmulatorApiHandler,
  EmulatorHttpMethod,
  EmulatorRouteHandle,
  EmulatorRouteOptions,
  EmulatorTokenType,
} from './openapi-call.js';
import { openApiRoute } from './openapi-route.js';

const METHODS: readonly EmulatorHttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const TOKEN_TYPES: readonly EmulatorTokenType[] = ['tenant', 'user'];
const PATTERN = /^\/open-apis(\/[^/?#\s]+)+$/;

/** The stats key of a registered route's calls. */
export const routeStatsKey = (method: string, pattern: string): string =>
  `route.${method} ${pattern}`;

/**
 * Routes registered with `emulator.route(...)`. They are matched before the built-in ones, so a
 * test can also replace a built-in answer; the latest registration of a method and pattern wins.
 */
export class ProgrammableRoutes {
  private routes: Route[] = [];

  add(
    method: EmulatorHttpMethod,
    pattern: string,
    handler: EmulatorApiHandler,
    options: EmulatorRouteOptions = {},
  ): EmulatorRouteHandle {
    if (!METHODS.includes(method))
      throw new TypeError(`method must be one of ${METHODS.join(', ')}`);
    if (typeof pattern !== 'string' || !PATTERN.test(pattern)) {
      throw new TypeError(`pattern must be an /open-apis/… path, got ${String(pattern)}`);
    }
    if (typeof handler !== 'function') throw new TypeError('handler must be a function');
    const tokens = options.tokens ?? TOKEN_TYPES;
    if (tokens.length === 0 || tokens.some((token) => !TOKEN_TYPES.includes(token))) {
      throw new TypeError(`tokens must name at least one of ${TOKEN_TYPES.join(', ')}`);
    }
    const calls: EmulatorApiCall[] = [];
    const route = openApiRoute({
      method,
      pattern,
      statsKey: routeStatsKey(method, pattern),
      tokens,
      handle: handler,
      record: (call) => calls.push(call),
    });
    this.routes = [route, ...this.routes];
    return {
      calls,
      remove: () => {
        this.routes = this.routes.filter((candidate) => candidate !== route);
      },
    };
  }

  match(method: string, path: string): ReturnType<typeof matchRoute<Route>> {
    return matchRoute(this.routes, method, path);
  }
}
