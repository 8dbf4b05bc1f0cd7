import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** base64(iv ‖ AES-256-CBC(SHA-256(encryptKey), PKCS#7)) — the `encrypt` field of an event (rule 19). */
export function encryptEvent(encryptKey: string, plaintext: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', eventKey(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
}

export function decryptEvent(encryptKey: string, encrypted: string): string {
  const data = Buffer.from(encrypted, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', eventKey(encryptKey), data.subarray(0, 16));
  return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
}

/** `X-Lark-Signature` = hex(sha256(timestamp + nonce + encryptKey + rawBody)). */
export function signEvent(
  timestamp: string,
  nonce: string,
  encryptKey: string,
  rawBody: string,
): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey + rawBody)
    .digest('hex');
}

function eventKey(encryptKey: string): Buffer {
  return createHash('sha256').update(encryptKey, 'utf8').digest();
}
