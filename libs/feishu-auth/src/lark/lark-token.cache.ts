import { Inject, Injectable } from '@nestjs/common';
import lark from '@larksuiteoapi/node-sdk';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import { type FeishuTokenRef, ManagedTokens } from '../services/managed-tokens.js';
import { LARK_APP_TICKET_MANAGED, LARK_MARKET_TOKEN_PREFIX } from './feishu-lark.constants.js';
import { LarkTokenOrigins } from './lark-token.origins.js';

type LarkCacheKey = Parameters<lark.Cache['get']>[0];
type LarkCacheOptions = Parameters<lark.Cache['get']>[1];

/**
 * The SDK client's `cache`. The SDK reads a tenant token from its cache before it would fetch one:
 * `CTenantAccessToken` (self-built apps) and `larkMarketAccessToken<tenantKey>` (store apps), both
 * in the app id's namespace. Those reads are answered by `TokenService` (single-flight, the shared
 * store, renewed ahead of expiry), and fail with its error rather than answer nothing, so the SDK
 * never asks Feishu for a token itself. Its app_ticket read (`CAppTicket`, which would make it ask
 * Feishu for a resend at construction) is answered too. Its writes of those keys are ignored; any other key (the
 * SDK's own user-token helper, app tickets of other clients) goes to an in-process cache.
 * Internal.
 */
@Injectable()
export class LarkTokenCache implements lark.Cache {
  private readonly others = new lark.DefaultCache();

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    private readonly tokens: ManagedTokens,
    private readonly origins: LarkTokenOrigins,
  ) {}

  async get(key: LarkCacheKey, options?: LarkCacheOptions): Promise<string | unknown> {
    if (this.isOwnAppTicket(key, options)) return LARK_APP_TICKET_MANAGED;
    const ref = this.tenantRef(key, options);
    if (!ref) return this.others.get(key, options);
    return this.origins.remember(await this.tokens.get(ref), ref);
  }

  async set(
    key: LarkCacheKey,
    value: unknown,
    expire?: number,
    options?: LarkCacheOptions,
  ): Promise<boolean> {
    // TokenService owns tenant tokens, FeishuAuthModule app tickets.
    if (this.tenantRef(key, options) || this.isOwnAppTicket(key, options)) return true;
    // DefaultCache stores any value; its declaration says string (the SDK's user-token helper stores objects).
    return this.others.set(key, value as string, expire, options);
  }

  private isOwnAppTicket(key: LarkCacheKey, options: LarkCacheOptions): boolean {
    return key === lark.CAppTicket && options?.namespace === this.options.appId;
  }

  /** The tenant token a cache key of this app stands for, if it is one. */
  private tenantRef(key: LarkCacheKey, options: LarkCacheOptions): FeishuTokenRef | undefined {
    if (options?.namespace !== this.options.appId) return undefined;
    if (key === lark.CTenantAccessToken) return { token: 'tenant' };
    if (typeof key === 'string' && key.startsWith(LARK_MARKET_TOKEN_PREFIX)) {
      return { token: 'tenant', tenantKey: key.slice(LARK_MARKET_TOKEN_PREFIX.length) };
    }
    return undefined;
  }
}
