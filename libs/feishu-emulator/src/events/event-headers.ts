import { randomBytes } from 'node:crypto';
import { signEvent } from './event-crypto.js';

/**
 * Headers of an outgoing event or URL-verification request: JSON, plus `X-Lark-Request-Timestamp`,
 * `X-Lark-Request-Nonce` and `X-Lark-Signature` when the app has an Encrypt Key (or, with
 * `signPlaintext`, signed with an empty key).
 */
export function eventHeaders(
  rawBody: string,
  encryptKey: string | undefined,
  signPlaintext: boolean,
  nowSeconds: number,
): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8' };
  if (encryptKey === undefined && !signPlaintext) return headers;
  const timestamp = String(nowSeconds);
  const nonce = randomBytes(8).toString('hex');
  headers['X-Lark-Request-Timestamp'] = timestamp;
  headers['X-Lark-Request-Nonce'] = nonce;
  headers['X-Lark-Signature'] = signEvent(timestamp, nonce, encryptKey ?? '', rawBody);
  return headers;
}
