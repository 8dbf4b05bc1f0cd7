import { createHash, timingSafeEqual } from 'node:crypto';
import type { CodeChallengeMethod } from '../state/authorization-codes.js';

const VERIFIER_SYNTAX = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 §4.1 syntax and §4.6 comparison. */
export function verifyPkce(
  verifier: string,
  challenge: string,
  method: CodeChallengeMethod,
): boolean {
  if (!VERIFIER_SYNTAX.test(verifier)) return false;
  const expected = method === 'S256' ? s256Challenge(verifier) : verifier;
  const a = Buffer.from(expected);
  const b = Buffer.from(challenge);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
