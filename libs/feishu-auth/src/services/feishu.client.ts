import { Inject, Injectable } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import { FeishuApiError } from '../feishu-auth.errors.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { RETRY_WITH_FRESH_TOKEN_CODES } from '../http/feishu-error-codes.js';
import { FeishuHttpClient } from '../http/feishu-http.client.js';
import { AppTokenManager } from './app-token.manager.js';
import { UserTokenManager } from './user-token.manager.js';

/** @publicApi */
export interface FeishuRequestOptions {
  /** Which managed token to attach. */
  token: 'tenant' | 'user' | 'app';
  /** For `token: 'tenant'` in store apps: the tenant to act for. */
  tenantKey?: string;
  /** For `token: 'user'`: whose token. */
  openId?: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
}

interface OpenApiBody<T> {
  code?: number;
  msg?: string;
  data?: T;
}

/**
 * Calls any Feishu OpenAPI with a managed token attached. Resolves to the answer's `data`; a
 * non-zero `code` throws `FeishuApiError`. When Feishu rejects the token itself (revoked early,
 * expired), the token is dropped from the cache (only if it is still the cached one) and the call is
 * retried once with a fresh one.
 *
 * @publicApi
 */
@Injectable()
export class FeishuClient {
  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    private readonly http: FeishuHttpClient,
    private readonly appTokens: AppTokenManager,
    private readonly userTokens: UserTokenManager,
  ) {}

  /**
   * @param method HTTP method, e.g. `'GET'`.
   * @param path an OpenAPI path such as `/open-apis/contact/v3/users/me`, on the configured domain
   *   (never another host: the token goes only to Feishu).
   */
  async request<T>(method: string, path: string, options: FeishuRequestOptions): Promise<T> {
    const token = await this.tokenFor(options);
    try {
      return await this.send<T>(method, path, options, token);
    } catch (error) {
      if (!(error instanceof FeishuApiError) || !RETRY_WITH_FRESH_TOKEN_CODES.has(error.code))
        throw error;
      await this.invalidate(options, token);
      return this.send<T>(method, path, options, await this.tokenFor(options));
    }
  }

  private async send<T>(
    method: string,
    path: string,
    options: FeishuRequestOptions,
    token: string,
  ): Promise<T> {
    const { body } = await this.http.request<OpenApiBody<T>>({
      method: method.toUpperCase(),
      url: `${this.options.domain.open}/${path.replace(/^\/+/, '')}`,
      query: options.query,
      headers: { authorization: `Bearer ${token}` },
      body: options.body,
    });
    return body.data as T;
  }

  private tokenFor(options: FeishuRequestOptions): Promise<string> {
    switch (options.token) {
      case 'tenant':
        return this.appTokens.getTenantAccessToken(options.tenantKey);
      case 'app':
        return this.appTokens.getAppAccessToken();
      case 'user':
        return this.userTokens.getUserAccessToken(requireOpenId(options.openId));
      default:
        throw new TypeError(`FeishuClient.request: token must be 'tenant', 'user' or 'app'.`);
    }
  }

  private invalidate(options: FeishuRequestOptions, token: string): Promise<void> {
    switch (options.token) {
      case 'tenant':
        return this.appTokens.invalidate(this.appTokens.tenantKey(options.tenantKey), token);
      case 'app':
        return this.appTokens.invalidate(this.appTokens.appKey(), token);
      case 'user':
        return this.userTokens.invalidate(requireOpenId(options.openId), token);
    }
  }
}

function requireOpenId(openId: string | undefined): string {
  if (typeof openId !== 'string' || openId.length === 0) {
    throw new TypeError(`FeishuClient.request: token 'user' needs the user's openId.`);
  }
  return openId;
}
