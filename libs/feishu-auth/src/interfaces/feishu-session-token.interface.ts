/**
 * The request header of session tokens. Distinct from `Authorization: Bearer`, which
 * `FeishuAuthGuard` reserves for Feishu user access tokens.
 *
 * @publicApi
 */
export const FEISHU_SESSION_HEADER = 'X-Feishu-Session';

/**
 * The session reference `FeishuCodeGuard` hands to a client that keeps no cookies (a mini-program,
 * a native shell): the signed session id, never a Feishu token. The client sends it back as
 * `X-Feishu-Session: <sessionToken>`, which `FeishuAuthGuard` accepts like the session cookie.
 *
 * @publicApi
 */
export interface FeishuSessionToken {
  sessionToken: string;
  /** Seconds until the session ends (`session.tokenTtlSeconds`). */
  expiresIn: number;
  /** The request header that carries `sessionToken`. */
  header: typeof FEISHU_SESSION_HEADER;
}
