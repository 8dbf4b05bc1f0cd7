import { Inject, Injectable } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import { FeishuApiError } from '../feishu-auth.errors.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { FeishuHttpClient } from '../http/feishu-http.client.js';
import { type FeishuTokenRef, ManagedTokens } from './managed-tokens.js';

/** @publicApi */
export interface FeishuRequestOptions extends FeishuTokenRef {
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
    private readonly tokens: ManagedTokens,
  ) {}

  /**
   * @param method HTTP method, e.g. `'GET'`.
   * @param path an OpenAPI path such as `/open-apis/contact/v3/users/me`, on the configured domain
   *   (never another host: the token goes only to Feishu).
   */
  async request<T>(method: string, path: string, options: FeishuRequestOptions): Promise<T> {
    const token = await this.tokens.get(options);
    try {
      return await this.send<T>(method, path, options, token);
    } catch (error) {
      if (!(error instanceof FeishuApiError) || !ManagedTokens.rejectsToken(error.code))
        throw error;
      return this.send<T>(method, path, options, await this.tokens.replace(options, token));
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
}
