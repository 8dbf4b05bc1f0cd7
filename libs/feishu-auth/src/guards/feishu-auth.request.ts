import type { Request } from 'express';
import type { FeishuProfile } from '../interfaces/feishu-profile.interface.js';
import type { FeishuSessionToken } from '../interfaces/feishu-session-token.interface.js';

/**
 * Who `FeishuAuthGuard` let in, attached to the request as `request.feishu`.
 *
 * @publicApi
 */
export interface FeishuAuthContext {
  profile: FeishuProfile;
  openId: string;
  tenantKey: string;
  /**
   * `'session'`: the signed session cookie or `X-Feishu-Session` header;
   * `'bearer'`: `Authorization: Bearer <user_access_token>`.
   */
  mode: 'session' | 'bearer';
  /** The presented user access token, in Bearer mode only. */
  bearerToken?: string;
}

/**
 * An Express request after `FeishuAuthGuard`, the callback of `FeishuLoginGuard` or `FeishuCodeGuard`.
 *
 * @publicApi
 */
export interface FeishuAuthenticatedRequest extends Request {
  feishu?: FeishuAuthContext;
  /** The validated local path the login asked to return to (`?returnTo=` on the login route). */
  feishuReturnTo?: string;
  /** Set by `FeishuCodeGuard` when the client asked for `"session": "token"`: answer it to the client. */
  feishuSessionToken?: FeishuSessionToken;
}
