/** Splits a space-separated scope string; empty entries (double spaces) are dropped. */
export function splitScopes(scope: string | undefined): string[] {
  if (scope === undefined) return [];
  return scope.split(/\s+/).filter((entry) => entry !== '');
}

/**
 * Narrowing on the token endpoints: undefined = no narrowing (everything granted);
 * otherwise 20067 for duplicates and 20068 for scopes outside the grant.
 */
export function narrowScopes(
  requested: string | undefined,
  granted: readonly string[],
): { scopes: string[] } | { code: 20067 | 20068 } {
  const list = splitScopes(requested);
  if (list.length === 0) return { scopes: [...granted] };
  if (new Set(list).size !== list.length) return { code: 20067 };
  if (list.some((scope) => !granted.includes(scope))) return { code: 20068 };
  return { scopes: list };
}
