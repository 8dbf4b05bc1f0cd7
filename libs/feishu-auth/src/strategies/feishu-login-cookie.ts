import { createHash, hkdfSync } from 'node:crypto';
import { TokenCipher } from '../storage/token-cipher.js';
import type { FeishuPendingLogin } from './feishu-pending-logins.js';

/** Browsers keep cookies up to 4096 bytes, name and attributes included. */
export const MAX_LOGIN_COOKIE_VALUE_BYTES = 3800;

/** The purpose label sealed with every login cookie: it opens as nothing else. */
const LOGIN_COOKIE_PURPOSE = 'feishu-auth:login-cookie';

/**
 * Seals the browser's pending logins (state, PKCE verifier, returnTo) into the value of the login
 * cookie: AES-256-GCM (`TokenCipher`) under a key derived (HKDF-SHA256) from each session secret,
 * the first one sealing, every one opening. The browser can neither read nor alter it, and a value
 * sealed for this purpose never opens as a session cookie or anything else.
 */
export class FeishuLoginCookieCipher {
  private readonly cipher: TokenCipher;

  constructor(secrets: readonly string[]) {
    this.cipher = new TokenCipher({
      keys: secrets.map((secret) => {
        const key = Buffer.from(hkdfSync('sha256', secret, '', LOGIN_COOKIE_PURPOSE, 32));
        // The key id travels in the cookie: a hash of the derived key, never the secret.
        const id = createHash('sha256').update(key).digest('hex').slice(0, 12);
        return { id, key: key.toString('hex') };
      }),
    });
  }

  seal(logins: readonly FeishuPendingLogin[]): string {
    return this.cipher.seal(JSON.stringify(logins), LOGIN_COOKIE_PURPOSE);
  }

  /** The logins the cookie carries; `[]` when it is absent, altered, or sealed with an unknown key. */
  open(value: string | undefined): FeishuPendingLogin[] {
    if (value === undefined || value.length > MAX_LOGIN_COOKIE_VALUE_BYTES) return [];
    const opened = this.cipher.open(value, LOGIN_COOKIE_PURPOSE);
    if (!opened.ok) return [];
    try {
      const parsed: unknown = JSON.parse(opened.plaintext);
      return Array.isArray(parsed) ? parsed.filter(isPendingLogin) : [];
    } catch {
      return [];
    }
  }

  fits(logins: readonly FeishuPendingLogin[]): boolean {
    return this.seal(logins).length <= MAX_LOGIN_COOKIE_VALUE_BYTES;
  }
}

function isPendingLogin(value: unknown): value is FeishuPendingLogin {
  if (typeof value !== 'object' || value === null) return false;
  const login = value as Record<string, unknown>;
  return (
    typeof login.state === 'string' &&
    typeof login.createdAt === 'number' &&
    (login.codeVerifier === undefined || typeof login.codeVerifier === 'string') &&
    (login.returnTo === undefined || typeof login.returnTo === 'string')
  );
}
