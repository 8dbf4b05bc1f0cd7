import { randomBytes } from 'node:crypto';
import { parseCookie, stringifySetCookie } from 'cookie';
import { sign, unsign } from 'cookie-signature';

/** What every cookie the library sets has in common. */
export interface FeishuCookieAttributes {
  secure: boolean;
  sameSite: 'lax' | 'strict' | 'none';
  domain?: string;
}

interface RequestWithHeaders {
  headers: Record<string, string | string[] | undefined>;
}

interface ResponseWithHeaders {
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: string | string[]): unknown;
}

/** 32 random bytes, base64url: session ids, browser bindings and login states. */
export function randomId(): string {
  return randomBytes(32).toString('base64url');
}

/** Signs with the first secret; the first secret is the one in use, the others only verify. */
export function signValue(value: string, secrets: readonly string[]): string {
  return sign(value, secrets[0]);
}

/** The unsigned value if any of the secrets verifies the signature, otherwise `undefined`. */
export function unsignValue(signed: string, secrets: readonly string[]): string | undefined {
  for (const secret of secrets) {
    const value = unsign(signed, secret);
    if (value !== false) {
      return value;
    }
  }
  return undefined;
}

/** The named cookie of the request, parsed with `cookie` so the app needs no cookie-parser. */
export function readCookie(request: RequestWithHeaders, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length === 0) {
    return undefined;
  }
  return parseCookie(header)[name];
}

/** Adds a `Set-Cookie` header, keeping the ones already set (the session and the binding cookie). */
export function appendSetCookie(
  response: ResponseWithHeaders,
  name: string,
  value: string,
  maxAgeSeconds: number,
  attributes: FeishuCookieAttributes,
): void {
  const serialized = stringifySetCookie({
    name,
    value,
    maxAge: maxAgeSeconds,
    path: '/',
    httpOnly: true,
    secure: attributes.secure,
    sameSite: attributes.sameSite,
    domain: attributes.domain,
  });
  const existing = response.getHeader('Set-Cookie');
  const previous =
    existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  response.setHeader('Set-Cookie', [
    ...previous.filter((c) => !c.startsWith(`${name}=`)),
    serialized,
  ]);
}
