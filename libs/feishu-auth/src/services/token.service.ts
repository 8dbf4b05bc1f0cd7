import { Injectable } from '@nestjs/common';
import type { FeishuProfile } from '../interfaces/feishu-profile.interface.js';
import type { FeishuUserTokenRecord } from '../interfaces/feishu-token-store.interface.js';
import type { FeishuUserTokenSet } from '../oauth/feishu-oauth.client.js';
import { AppTokenManager } from './app-token.manager.js';
import { type FeishuTokenStatus, TokenStatusTracker } from './token-status.tracker.js';
import { UserTokenManager } from './user-token.manager.js';

/**
 * Always-valid Feishu tokens: the app's, each tenant's and each signed-in user's. Tokens are cached
 * in the configured `FeishuTokenStore`, renewed before they expire (in the background, by the
 * scheduler) and fetched once however many callers ask at the same moment.
 *
 * @publicApi
 */
@Injectable()
export class TokenService {
  constructor(
    private readonly appTokens: AppTokenManager,
    private readonly userTokens: UserTokenManager,
    private readonly tracker: TokenStatusTracker,
  ) {}

  /** The app access token (self-built: `/auth/v3/app_access_token/internal`; store apps: via app_ticket). */
  getAppAccessToken(): Promise<string> {
    return this.appTokens.getAppAccessToken();
  }

  /**
   * The tenant access token. Self-built apps have one tenant and ignore `tenantKey`; store apps
   * need it (the user's `tenantKey`), and fail with a `FeishuTenantKeyRequiredError` without it.
   */
  getTenantAccessToken(tenantKey?: string): Promise<string> {
    return this.appTokens.getTenantAccessToken(tenantKey);
  }

  /**
   * The user's access token, refreshed (rotating the refresh token) when due. Throws
   * `FeishuReauthRequiredError` when the user must sign in again.
   */
  getUserAccessToken(openId: string): Promise<string> {
    return this.userTokens.getUserAccessToken(openId);
  }

  /** Stores a user's tokens after a code exchange and schedules their proactive refresh. */
  saveUserTokens(
    profile: Pick<FeishuProfile, 'openId' | 'tenantKey'>,
    tokens: FeishuUserTokenSet,
  ): Promise<FeishuUserTokenRecord> {
    return this.userTokens.saveUserTokens(profile, tokens);
  }

  /** Deletes a user's stored tokens and refresh schedule (logout). */
  forgetUser(openId: string): Promise<void> {
    return this.userTokens.forgetUser(openId);
  }

  /** Counters of renewals and failures, for a status page. Carries no token. */
  status(): FeishuTokenStatus {
    return this.tracker.snapshot();
  }
}
