import type { Request } from 'express';
import type { FeishuProfile } from './feishu-profile.interface.js';
import type { FeishuSessionToken } from './feishu-session-token.interface.js';

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
 * What `FeishuAuthGuard`, the callback of `FeishuLoginGuard` and `FeishuCodeGuard` attach to the
 * request, on Express and on Fastify alike.
 *
 * @publicApi
 */
export interface FeishuRequestAuthState {
  feishu?: FeishuAuthContext;
  /** The signed-in user's profile (Passport's place for it). */
  user?: unknown;
  /** The validated local path the login asked to return to (`?returnTo=` on the login route). */
  feishuReturnTo?: string;
  /** Set by `FeishuCodeGuard` when the client asked for `"session": "token"`: answer it to the client. */
  feishuSessionToken?: FeishuSessionToken;
}

/**
 * A request after `FeishuAuthGuard`, the callback of `FeishuLoginGuard` or `FeishuCodeGuard`:
 * Express's `Request` by default; `FeishuAuthenticatedRequest<FastifyRequest>` on Fastify.
 *
 * @publicApi
 */
export type FeishuAuthenticatedRequest<TRequest extends object = Request> = TRequest &
  FeishuRequestAuthState;
