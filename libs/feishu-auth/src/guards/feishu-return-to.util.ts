/** Longest `returnTo` accepted; a local path needs no more. */
const MAX_RETURN_TO_LENGTH = 2048;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A placeholder origin: only the path, query and fragment of the parsed value are kept. */
const LOCAL_ORIGIN = 'http://local.invalid';

/**
 * The normalised form of `value` when it is a path on this site, otherwise `undefined`.
 *
 * Accepted: rooted at `/`, no backslash (browsers read `/\host` as `//host`), no scheme, no control
 * characters. The result is what a browser would request (`.` and `..` segments resolved, so
 * `/.//evil.example` becomes `//evil.example`), and a result that starts with `//` or `/\` is
 * refused: a later redirect to it would leave the site (an open redirect).
 */
export function toLocalReturnPath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_RETURN_TO_LENGTH) {
    return undefined;
  }
  if (!value.startsWith('/') || value.includes('\\') || CONTROL_CHARACTERS.test(value)) {
    return undefined;
  }
  const path = normalise(value);
  return path === undefined || isProtocolRelative(path) ? undefined : path;
}

/** `true` when `toLocalReturnPath` accepts `value`. */
export function isLocalReturnPath(value: unknown): value is string {
  return toLocalReturnPath(value) !== undefined;
}

function isProtocolRelative(path: string): boolean {
  return path.startsWith('//') || path.startsWith('/\\');
}

/** The path, query and fragment a browser would request for `value`; `undefined` off this site. */
function normalise(value: string): string | undefined {
  if (isProtocolRelative(value)) return undefined;
  let resolved: URL;
  try {
    resolved = new URL(value, LOCAL_ORIGIN);
  } catch {
    return undefined;
  }
  if (resolved.origin !== LOCAL_ORIGIN) return undefined;
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}
