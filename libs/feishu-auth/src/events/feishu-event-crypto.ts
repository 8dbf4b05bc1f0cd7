import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/**
 * Decrypts Feishu's `{"encrypt": …}` payloads: base64 of a 16-byte IV followed by AES-256-CBC
 * ciphertext (PKCS#7), the key being SHA-256 of the Encrypt Key. Throws on a wrong key or bad data.
 */
export function decryptFeishuEvent(encrypted: string, encryptKey: string): string {
  const key = createHash('sha256').update(encryptKey, 'utf8').digest();
  const data = Buffer.from(encrypted, 'base64');
  if (data.length < 32 || data.length % 16 !== 0) throw new Error('bad ciphertext length');
  const decipher = createDecipheriv('aes-256-cbc', key, data.subarray(0, 16));
  return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
}

/** `X-Lark-Signature` = hex(sha256(timestamp + nonce + encryptKey + rawBody)). */
export function feishuEventSignature(
  timestamp: string,
  nonce: string,
  encryptKey: string,
  rawBody: string,
): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey + rawBody, 'utf8')
    .digest('hex');
}

/** Constant-time comparison of two strings. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
