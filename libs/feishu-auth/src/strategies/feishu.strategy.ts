import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy as OAuth2Strategy, type StateStore } from 'passport-oauth2';
import { FEISHU_AUTH_OPTIONS, FEISHU_STRATEGY_NAME } from '../feishu-auth.constants.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import type { FeishuProfile } from '../interfaces/feishu-profile.interface.js';
import { FeishuTokenStore } from '../interfaces/feishu-token-store.interface.js';
import { FeishuOAuthClient, type FeishuUserTokenSet } from '../oauth/feishu-oauth.client.js';
import { sessionCookieAttributes } from '../session/feishu-session.service.js';
import { FeishuLoginStateStore } from './feishu-login-state.store.js';

/** Always requested: without it Feishu returns no refresh token. */
const OFFLINE_ACCESS = 'offline_access';

/** What a completed Feishu login yields: the user and the tokens to hand to `TokenService`. */
export interface FeishuLoginResult {
  profile: FeishuProfile;
  tokens: FeishuUserTokenSet;
}

type ExchangeCallback = (
  err: unknown,
  accessToken?: string,
  refreshToken?: string,
  result?: FeishuUserTokenSet,
) => void;

type ExchangeParams = Record<string, string | undefined>;

type ProfileCallback = (err: unknown, profile?: FeishuProfile) => void;

/**
 * Passport strategy `'feishu'`: redirects to Feishu's authorize page (with state and PKCE S256)
 * and, on the callback, exchanges the code through `FeishuOAuthClient` (documented JSON request
 * on the configured token endpoint) instead of node-oauth's form POST, then reads the profile from
 * `/open-apis/authen/v1/user_info`.
 *
 * @publicApi
 */
@Injectable()
export class FeishuStrategy extends PassportStrategy(OAuth2Strategy, FEISHU_STRATEGY_NAME, 5) {
  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) options: ResolvedFeishuAuthOptions,
    @Inject(FeishuTokenStore) store: FeishuTokenStore,
    private readonly oauth: FeishuOAuthClient,
  ) {
    super({
      authorizationURL: `${options.domain.accounts}/open-apis/authen/v1/authorize`,
      // Never called: the exchange goes through FeishuOAuthClient (see below).
      tokenURL: `${options.domain.open}/open-apis/authen/v2/oauth/token`,
      clientID: options.appId,
      clientSecret: options.appSecret,
      callbackURL: options.redirectUri,
      scope: requestedScopes(options.scopes),
      scopeSeparator: ' ',
      // `true` means S256 in passport-oauth2.
      pkce: options.pkce,
      state: true,
      // The PKCE-capable store shape (5-argument `store`) is not in @types/passport-oauth2.
      store: new FeishuLoginStateStore({
        store,
        secrets: options.session.secrets,
        cookieName: options.session.loginCookieName,
        cookie: sessionCookieAttributes(options),
        clock: options.clock,
      }) as unknown as StateStore,
    });
    // The code exchange goes through FeishuOAuthClient instead of node-oauth's form POST.
    const exchange = (code: string, params: ExchangeParams, callback: ExchangeCallback): void =>
      this.exchange(code, params, callback);
    // oxlint-disable-next-line no-underscore-dangle -- passport-oauth2's documented protected member
    this._oauth2.getOAuthAccessToken = exchange as typeof this._oauth2.getOAuthAccessToken;
  }

  /** passport-oauth2 hook: the profile of the freshly signed-in user. */
  override userProfile(accessToken: string, done: ProfileCallback): void {
    this.oauth.getUserInfo(accessToken).then(
      (profile) => done(null, profile),
      (err: unknown) => done(err),
    );
  }

  /** What the login yields; `FeishuSignInService` stores it (and warns when no refresh token came). */
  validate(
    _accessToken: string,
    _refreshToken: string | undefined,
    tokens: FeishuUserTokenSet,
    profile: FeishuProfile,
  ): FeishuLoginResult {
    return { profile, tokens };
  }

  private exchange(code: string, params: ExchangeParams, callback: ExchangeCallback): void {
    this.oauth
      .exchangeCode({ code, redirectUri: params.redirect_uri, codeVerifier: params.code_verifier })
      .then(
        (tokens) => callback(null, tokens.accessToken, tokens.refreshToken, tokens),
        (err: unknown) => callback(err),
      );
  }
}

function requestedScopes(scopes: readonly string[]): string[] {
  return [...new Set([...scopes, OFFLINE_ACCESS])];
}
