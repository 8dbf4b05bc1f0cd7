/** `Set-Cookie` lines as supertest (`headers['set-cookie']`) or `fetch` (a `Response`) gives them. */
export type SetCookieSource = Response | readonly string[] | string | undefined;

/**
 * The little a browser does with cookies that a login flow needs: keep what `Set-Cookie` sets,
 * forget what it expires (`Max-Age` ≤ 0, an `Expires` in the past, an empty value), send the rest
 * back. One host only.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(source: SetCookieSource): void {
    for (const line of setCookieLines(source)) {
      const [pair = '', ...attributes] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      if (isExpiry(attributes) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }

  names(): string[] {
    return [...this.cookies.keys()];
  }

  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  delete(name: string): void {
    this.cookies.delete(name);
  }

  /** The `Cookie` request header. */
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [name, value] of this.cookies) copy.set(name, value);
    return copy;
  }
}

/** The `Set-Cookie` lines of a response, as a list. */
export function setCookieLines(source: SetCookieSource): readonly string[] {
  if (source === undefined) return [];
  if (typeof source === 'string') return [source];
  if (source instanceof Response) return source.headers.getSetCookie();
  return source;
}

function isExpiry(attributes: string[]): boolean {
  return attributes.some((attribute) => {
    const separator = attribute.indexOf('=');
    const key = attribute.slice(0, separator < 0 ? undefined : separator).trim();
    const value = separator < 0 ? '' : attribute.slice(separator + 1).trim();
    if (key.toLowerCase() === 'max-age') return Number(value) <= 0;
    if (key.toLowerCase() === 'expires') return Date.parse(value) <= Date.now();
    return false;
  });
}
