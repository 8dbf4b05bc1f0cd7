/** How a route is found: its method and a path pattern whose `:name` segments are parameters. */
export interface Matchable {
  method: string;
  pattern: string;
}

/** The first route matching the call, with its URL-decoded path parameters. */
export function matchRoute<T extends Matchable>(
  routes: Iterable<T>,
  method: string,
  path: string,
): { route: T; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = matchPattern(route.pattern, path);
    if (params) return { route, params };
  }
  return undefined;
}

/** The parameters of `path` under `pattern`, or undefined when it does not match. */
export function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
  const expected = pattern.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < expected.length; index++) {
    const segment = expected[index];
    if (segment.startsWith(':')) {
      if (actual[index] === '') return undefined;
      params[segment.slice(1)] = safeDecode(actual[index]);
    } else if (segment !== actual[index]) {
      return undefined;
    }
  }
  return params;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
