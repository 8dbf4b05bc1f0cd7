import { createHash } from 'node:crypto';

/** A short, non-reversible label for a token or secret, safe for logs: first 6 hex chars of its sha256. */
export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 6);
}
