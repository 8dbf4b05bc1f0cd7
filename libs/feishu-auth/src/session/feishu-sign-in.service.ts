import { Injectable, Logger } from '@nestjs/common';
import type { FeishuAuthenticatedRequest } from '../interfaces/feishu-auth-request.interface.js';
import type { FeishuHttpRequest, FeishuHttpResponse } from '../http/feishu-http.adapter.js';
import type { FeishuSessionToken } from '../interfaces/feishu-session-token.interface.js';
import { FeishuOAuthClient } from '../oauth/feishu-oauth.client.js';
import { TokenService } from '../services/token.service.js';
import { NO_REFRESH_TOKEN_WARNING } from '../strategies/feishu-login.messages.js';
import type { FeishuLoginResult } from '../strategies/feishu.strategy.js';
import { FeishuSessionService } from './feishu-session.service.js';

/**
 * How the signed-in client keeps its session: `'cookie'` (the HttpOnly session cookie) or
 * `'token'` (a session token it sends back as `X-Feishu-Session`, for clients without cookies).
 *
 * @publicApi
 */
export type FeishuSessionTransport = 'cookie' | 'token';

// The warning is about the app's configuration, so one per process is enough.
let warnedAboutMissingRefreshToken = false;

/**
 * The last step of every login, whatever brought the code: stores the user's tokens, starts the
 * session and attaches the user to the request. `FeishuLoginGuard` (redirect callback) and
 * `FeishuCodeGuard` (code from the Feishu client) both end here; an app with a login of its own
 * can too.
 *
 * @publicApi
 */
@Injectable()
export class FeishuSignInService {
  private readonly logger = new Logger(FeishuSignInService.name);

  constructor(
    private readonly oauth: FeishuOAuthClient,
    private readonly tokens: TokenService,
    private readonly sessions: FeishuSessionService,
  ) {}

  /**
   * Exchanges a code from the Feishu client's `requestAccess` JSAPI and reads the user's profile.
   * Such a code is bound to no redirect URI and no PKCE challenge, so neither is sent.
   */
  async exchangeInAppCode(code: string): Promise<FeishuLoginResult> {
    const tokens = await this.oauth.exchangeCode({ code, redirectUri: null });
    const profile = await this.oauth.getUserInfo(tokens.accessToken);
    return { profile, tokens };
  }

  /**
   * Stores the user's tokens, starts the session (cookie or session token) and sets
   * `request.user` and `request.feishu` (and, for `'token'`, `request.feishuSessionToken`).
   * Resolves to the session token for `'token'`, `undefined` for `'cookie'`.
   */
  async signIn(
    request: FeishuAuthenticatedRequest<FeishuHttpRequest>,
    response: FeishuHttpResponse,
    login: FeishuLoginResult,
    transport: FeishuSessionTransport = 'cookie',
  ): Promise<FeishuSessionToken | undefined> {
    const { profile, tokens } = login;
    if (!tokens.refreshToken) {
      this.warnMissingRefreshToken();
    }
    await this.tokens.saveUserTokens(profile, tokens);
    let sessionToken: FeishuSessionToken | undefined;
    if (transport === 'token') {
      sessionToken = await this.sessions.createToken(request, profile);
      request.feishuSessionToken = sessionToken;
    } else {
      await this.sessions.create(request, response, profile);
    }
    request.user = profile;
    request.feishu = {
      profile,
      openId: profile.openId,
      tenantKey: profile.tenantKey,
      mode: 'session',
    };
    return sessionToken;
  }

  private warnMissingRefreshToken(): void {
    if (warnedAboutMissingRefreshToken) {
      return;
    }
    warnedAboutMissingRefreshToken = true;
    this.logger.warn(NO_REFRESH_TOKEN_WARNING);
  }
}
