/** Most characters of outside input quoted in one log line. */
export const MAX_LOGGED_INPUT_LENGTH = 64;

/**
 * Input from outside (a request field, a header, an app id in an event) as it may appear in a log
 * line: JSON-quoted, so quotes, line breaks and control characters are escaped and cannot forge a
 * log line, and cut to `MAX_LOGGED_INPUT_LENGTH` characters with the full length noted. A value
 * that is not a string is named by its type only.
 */
export function quoteInput(value: unknown): string {
  if (typeof value !== 'string') return `<${value === null ? 'null' : typeof value}>`;
  if (value.length <= MAX_LOGGED_INPUT_LENGTH) return quote(value);
  return `${quote(value.slice(0, MAX_LOGGED_INPUT_LENGTH))}… (${value.length} characters)`;
}

/** JSON escapes control characters but not the Unicode line separators some log viewers break on. */
function quote(value: string): string {
  return JSON.stringify(value).replace(
    /[\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
}
