import { randomBytes } from 'node:crypto';
import { stringifySetCookie } from 'cookie';
import { sign, unsign } from 'cookie-signature';
import { setResponseCookie, type FeishuHttpResponse } from '../http/feishu-http.adapter.js';

/** What every cookie the library sets has in common. */
export interface FeishuCookieAttributes {
  secure: boolean;
  sameSite: 'lax' | 'strict' | 'none';
  domain?: string;
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

/** Adds a `Set-Cookie` header, keeping the ones already set (the session and the binding cookie). */
export function appendSetCookie(
  response: FeishuHttpResponse,
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
  setResponseCookie(response, name, serialized);
}
