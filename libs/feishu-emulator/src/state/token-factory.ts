import { randomBytes, randomUUID } from 'node:crypto';

const JWT_HEADER = base64UrlJson({ alg: 'ES256', kid: 'feishu-emulator', typ: 'JWT' });

/**
 * A token shaped like Feishu's v2/v3 user tokens (`eyJ…`, 1–2 KB). The signature is random: nothing
 * may verify or parse it, the emulator looks every token up in its registry.
 */
export function mintJwtLikeToken(claims: Record<string, unknown>): string {
  const payload = base64UrlJson({
    jti: randomUUID(),
    ...claims,
    // Real tokens carry ~1 KB of opaque claims; padding keeps clients honest about storage sizes.
    ext: randomBytes(640).toString('base64url'),
  });
  return `${JWT_HEADER}.${payload}.${randomBytes(64).toString('base64url')}`;
}

/** Old-style opaque tokens: `t-` tenant, `a-` app, `u-` / `ur-` legacy v1 user tokens. */
export function mintPrefixedToken(prefix: 't-' | 'a-' | 'u-' | 'ur-'): string {
  return `${prefix}${randomBytes(30).toString('base64url')}`;
}

/** 64 characters of `[A-Za-z0-9_-]`, as the authorize page's codes. */
export function mintAuthorizationCode(): string {
  return randomBytes(48).toString('base64url');
}

export function mintAppTicket(): string {
  return `emulator-ticket-${randomBytes(16).toString('hex')}`;
}

/** A short, non-reversible tag to name a token in logs and messages without revealing it. */
export function fingerprint(token: string): string {
  return `${token.slice(0, 4)}…(${token.length})`;
}

function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
