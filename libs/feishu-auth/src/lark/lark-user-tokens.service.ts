import { Injectable } from '@nestjs/common';
import lark from '@larksuiteoapi/node-sdk';
import { FeishuTokenRefError } from '../feishu-auth.errors.js';
import type { FeishuAuthContext } from '../interfaces/feishu-auth-request.interface.js';
import { ManagedTokens } from '../services/managed-tokens.js';
import { larkUserRequiredMessage } from './feishu-lark.messages.js';
import { LarkTokenOrigins } from './lark-token.origins.js';

/** The SDK's per-call options (`withUserAccessToken(...)`, `withTenantKey(...)`). @publicApi */
export type LarkRequestOptions = ReturnType<typeof lark.withUserAccessToken>;

/** Whose user token: an open_id, or a request (or its `request.feishu`) after `FeishuAuthGuard`. */
export type LarkUserSubject = string | FeishuAuthContext | { feishu?: FeishuAuthContext };

/**
 * User calls through the SDK client: turns a user into the SDK's `withUserAccessToken(...)` option
 * with a valid token (`TokenService.getUserAccessToken`: refreshed when due; throws
 * `FeishuReauthRequiredError` when the user must sign in again). Should Feishu reject that token,
 * the client drops it and retries the call once with a fresh one.
 *
 * ```ts
 * await this.lark.calendar.v4.calendar.primary({}, await this.userTokens.withUser(request));
 * ```
 *
 * @publicApi
 */
@Injectable()
export class LarkUserTokens {
  constructor(
    private readonly tokens: ManagedTokens,
    private readonly origins: LarkTokenOrigins,
  ) {}

  /**
   * @param user an open_id, or the request (or `request.feishu`) of a route behind
   *   `FeishuAuthGuard`: the signed-in user's own token, also in Bearer mode.
   */
  async withUser(user: LarkUserSubject): Promise<LarkRequestOptions> {
    const ref = { token: 'user' as const, openId: openIdOf(user) };
    const token = this.origins.remember(await this.tokens.get(ref), ref);
    return lark.withUserAccessToken(token);
  }
}

function openIdOf(user: LarkUserSubject): string {
  const openId =
    typeof user === 'string'
      ? user
      : 'openId' in user
        ? user.openId
        : (user as { feishu?: FeishuAuthContext }).feishu?.openId;
  if (typeof openId !== 'string' || openId.length === 0) {
    throw new FeishuTokenRefError(larkUserRequiredMessage());
  }
  return openId;
}
