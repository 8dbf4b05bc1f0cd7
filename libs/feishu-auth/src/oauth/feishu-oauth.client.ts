import { Inject, Injectable } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import { FeishuApiError } from '../feishu-auth.errors.js';
import * as messages from '../feishu-auth.messages.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { feishuCodeMeaning } from '../http/feishu-error-codes.js';
import { FeishuHttpClient, type FeishuHttpRequest } from '../http/feishu-http.client.js';
import type { FeishuProfile } from '../interfaces/feishu-profile.interface.js';
import type { FeishuTokenIssuer } from '../interfaces/feishu-token-store.interface.js';
import {
  FEISHU_APP_ACCESS_TOKEN_SOURCE,
  type FeishuAppAccessTokenSource,
} from './app-access-token.source.js';

/** A user's tokens as any endpoint family returns them, normalised. */
export interface FeishuUserTokenSet {
  accessToken: string;
  /** Seconds. */
  expiresIn: number;
  refreshToken?: string;
  /** Seconds. */
  refreshTokenExpiresIn?: number;
  scope?: string;
  /** The family that issued the tokens; the refresh token must be refreshed there. */
  issuer: FeishuTokenIssuer;
}

/** @publicApi */
export interface ExchangeCodeInput {
  code: string;
  /**
   * Must equal the one sent to the authorize page; default `options.redirectUri`. `null` sends
   * none: codes from the Feishu client's `requestAccess` JSAPI are bound to no redirect URI.
   */
  redirectUri?: string | null;
  /** The PKCE verifier, when a challenge was sent. */
  codeVerifier?: string;
}

interface OAuthTokenBody {
  access_token?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
  refresh_token_expires_in?: unknown;
  refresh_expires_in?: unknown;
  scope?: unknown;
}

interface UserInfoBody {
  open_id?: string;
  union_id?: string;
  tenant_key?: string;
  name?: string;
  en_name?: string;
  user_id?: string;
  email?: string;
  enterprise_email?: string;
  mobile?: string;
  employee_no?: string;
  avatar_url?: string;
  avatar_thumb?: string;
  avatar_middle?: string;
  avatar_big?: string;
}

const V2_TOKEN_PATH = '/open-apis/authen/v2/oauth/token';
const V3_TOKEN_PATH = '/oauth/v3/token';
const V1_OIDC_ACCESS_PATH = '/open-apis/authen/v1/oidc/access_token';
const V1_OIDC_REFRESH_PATH = '/open-apis/authen/v1/oidc/refresh_access_token';
const USER_INFO_PATH = '/open-apis/authen/v1/user_info';

/**
 * Exchanges authorization codes and refreshes user tokens on the configured endpoint family
 * (v2, v3 or legacy v1 OIDC), and reads the user's profile. For apps that run their own login:
 * hand the result of `exchangeCode` to `TokenService.saveUserTokens`.
 *
 * @publicApi
 */
@Injectable()
export class FeishuOAuthClient {
  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    private readonly http: FeishuHttpClient,
    @Inject(FEISHU_APP_ACCESS_TOKEN_SOURCE) private readonly appTokens: FeishuAppAccessTokenSource,
  ) {}

  /** The authorization code grant on `options.tokenEndpoint`. A code is single use: never retried once sent. */
  async exchangeCode(input: ExchangeCodeInput): Promise<FeishuUserTokenSet> {
    const issuer = this.options.tokenEndpoint;
    if (issuer === 'v1-oidc') {
      return this.oidcGrant(V1_OIDC_ACCESS_PATH, {
        grant_type: 'authorization_code',
        code: input.code,
      });
    }
    return this.oauthGrant(issuer, {
      grant_type: 'authorization_code',
      code: input.code,
      ...redirectUriField(input.redirectUri, this.options.redirectUri),
      ...(input.codeVerifier === undefined ? {} : { code_verifier: input.codeVerifier }),
    });
  }

  /** Rotates a refresh token on the family that issued it (single use: never retried once sent). */
  async refreshUserToken(
    refreshToken: string,
    issuer: FeishuTokenIssuer,
  ): Promise<FeishuUserTokenSet> {
    if (issuer === 'v1-oidc') {
      return this.oidcGrant(V1_OIDC_REFRESH_PATH, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      });
    }
    return this.oauthGrant(issuer, { grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** `GET /open-apis/authen/v1/user_info`, camelCased. */
  async getUserInfo(accessToken: string): Promise<FeishuProfile> {
    const { body } = await this.http.request<{ data?: UserInfoBody }>({
      method: 'GET',
      url: `${this.options.domain.open}${USER_INFO_PATH}`,
      headers: { authorization: `Bearer ${accessToken}` },
    });
    return toProfile(body.data ?? {}, USER_INFO_PATH);
  }

  private async oauthGrant(
    issuer: 'v2' | 'v3',
    fields: Record<string, string>,
  ): Promise<FeishuUserTokenSet> {
    const url =
      issuer === 'v2'
        ? `${this.options.domain.open}${V2_TOKEN_PATH}`
        : `${this.options.domain.accounts}${V3_TOKEN_PATH}`;
    const { body } = await this.http.request<OAuthTokenBody>({
      method: 'POST',
      url,
      body: { ...fields, client_id: this.options.appId, client_secret: this.options.appSecret },
      idempotent: false,
    });
    return toGrant(body, issuer, url);
  }

  private async oidcGrant(
    path: string,
    fields: Record<string, string>,
  ): Promise<FeishuUserTokenSet> {
    const appToken = await this.appTokens.getAppAccessToken();
    try {
      return await this.sendOidcGrant(path, fields, appToken);
    } catch (error) {
      if (
        !(error instanceof FeishuApiError) ||
        feishuCodeMeaning(error.code)?.recover !== 'fresh-app-token'
      ) {
        throw error;
      }
      // Refused before the code or refresh token was looked at, so sending it again is safe.
      await this.appTokens.dropAppAccessToken(appToken);
      return this.sendOidcGrant(path, fields, await this.appTokens.getAppAccessToken());
    }
  }

  private async sendOidcGrant(
    path: string,
    fields: Record<string, string>,
    appToken: string,
  ): Promise<FeishuUserTokenSet> {
    const call: FeishuHttpRequest = {
      method: 'POST',
      url: `${this.options.domain.open}${path}`,
      headers: { authorization: `Bearer ${appToken}` },
      body: fields,
      idempotent: false,
    };
    const { body } = await this.http.request<{ data?: OAuthTokenBody }>(call);
    return toGrant(body.data ?? {}, 'v1-oidc', call.url);
  }
}

function redirectUriField(
  requested: string | null | undefined,
  configured: string,
): { redirect_uri?: string } {
  return requested === null ? {} : { redirect_uri: requested ?? configured };
}

function toGrant(body: OAuthTokenBody, issuer: FeishuTokenIssuer, url: string): FeishuUserTokenSet {
  if (typeof body.access_token !== 'string' || body.access_token.length === 0) {
    throw missingField('access_token', url);
  }
  const expiresIn = Number(body.expires_in);
  const refreshExpiresIn = Number(body.refresh_token_expires_in ?? body.refresh_expires_in);
  return {
    accessToken: body.access_token,
    expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 7200,
    refreshToken:
      typeof body.refresh_token === 'string' && body.refresh_token ? body.refresh_token : undefined,
    refreshTokenExpiresIn:
      Number.isFinite(refreshExpiresIn) && refreshExpiresIn > 0 ? refreshExpiresIn : undefined,
    scope: typeof body.scope === 'string' ? body.scope : undefined,
    issuer,
  };
}

function toProfile(data: UserInfoBody, endpoint: string): FeishuProfile {
  if (!data.open_id) throw missingField('data.open_id', endpoint);
  const profile: FeishuProfile = {
    openId: data.open_id,
    unionId: data.union_id ?? '',
    tenantKey: data.tenant_key ?? '',
    name: data.name ?? '',
  };
  const optional: [keyof FeishuProfile, string | undefined][] = [
    ['enName', data.en_name],
    ['userId', data.user_id],
    ['email', data.email],
    ['enterpriseEmail', data.enterprise_email],
    ['mobile', data.mobile],
    ['employeeNo', data.employee_no],
    ['avatarUrl', data.avatar_url],
    ['avatarThumb', data.avatar_thumb],
    ['avatarMiddle', data.avatar_middle],
    ['avatarBig', data.avatar_big],
  ];
  for (const [key, value] of optional) if (value) profile[key] = value;
  return profile;
}

function missingField(field: string, url: string): FeishuApiError {
  let endpoint = url;
  try {
    endpoint = new URL(url).pathname;
  } catch {
    // a bare path already
  }
  return new FeishuApiError({
    code: -1,
    message: messages.missingTokenFieldMessage(field),
    endpoint,
    kind: 'transient',
  });
}
