import { randomBytes } from 'node:crypto';
import { stringifySetCookie } from 'cookie';
import { sign, unsign } from 'cookie-signature';
import { setResponseCookie, type FeishuHttpResponse } from '../http/feishu-http.adapter.js';
import type { FeishuCookieAttributes } from '../options/session.options.js';

/** 32 random bytes, base64url: session ids, browser bindings and login states. */
export function randomId(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What a signed value is for. The label is signed with the value but not sent, so a value signed
 * for one purpose never verifies for another (a session token is no session cookie).
 */
export type FeishuSignedPurpose = 'session-cookie' | 'session-token';

/**
 * `<value>.<HMAC-SHA256 of "<purpose>:<value>">`, signed with the first secret; the first secret
 * is the one in use, the others only verify.
 */
export function signValue(
  value: string,
  secrets: readonly string[],
  purpose: FeishuSignedPurpose,
): string {
  return sign(`${purpose}:${value}`, secrets[0]).slice(purpose.length + 1);
}

/** The value if any of the secrets verifies its signature for `purpose`, otherwise `undefined`. */
export function unsignValue(
  signed: string,
  secrets: readonly string[],
  purpose: FeishuSignedPurpose,
): string | undefined {
  for (const secret of secrets) {
    const labelled = unsign(`${purpose}:${signed}`, secret);
    if (labelled !== false) {
      return labelled.slice(purpose.length + 1);
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
