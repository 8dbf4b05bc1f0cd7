/** Longest `returnTo` accepted; a local path needs no more. */
const MAX_RETURN_TO_LENGTH = 2048;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/**
 * `true` when `value` is a path on this site: rooted at `/`, not protocol-relative (`//host`),
 * no backslash (browsers read `/\host` as `//host`), no scheme, no control characters.
 * Anything else could send the user to another site after login (an open redirect).
 */
export function isLocalReturnPath(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RETURN_TO_LENGTH) {
    return false;
  }
  if (!value.startsWith('/') || value.startsWith('//')) {
    return false;
  }
  if (value.includes('\\') || CONTROL_CHARACTERS.test(value)) {
    return false;
  }
  // A path cannot carry a scheme, but a URL parser is the judge of what the browser will do.
  const resolved = new URL(value, 'http://local.invalid');
  return resolved.origin === 'http://local.invalid';
}
