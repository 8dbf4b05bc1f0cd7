import { createHash } from 'node:crypto';
import { HttpException, Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import { FeishuApiError } from '../feishu-auth.errors.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import type { FeishuHttpRequest, FeishuHttpResponse } from '../http/feishu-http.adapter.js';
import type { FeishuProfile } from '../interfaces/feishu-profile.interface.js';
import { FeishuTokenStore } from '../interfaces/feishu-token-store.interface.js';
import { FeishuOAuthClient } from '../oauth/feishu-oauth.client.js';
import { AUTH_REFUSAL_REASONS, feishuUnauthorizedException } from './feishu-auth-guard.messages.js';
import type { FeishuAuthContext } from '../interfaces/feishu-auth-request.interface.js';
import { FeishuStrangerBudget } from './feishu-stranger.budget.js';

/** Feishu user tokens are 1–2 KB; nothing legitimate comes near this. */
const MAX_BEARER_TOKEN_LENGTH = 8192;
const MAX_CACHED_BEARER_TOKENS = 10_000;
/** Hashes of tokens Feishu refused, refused again without asking: a refused token never turns valid. */
const MAX_REJECTED_BEARER_TOKENS = 10_000;
const BEARER_HEADER = /^Bearer +(\S+) *$/i;
// JWT (`eyJ…`) and legacy `u-…` tokens: base64url, dots, and the base64 alphabet's +/=.
const TOKEN_CHARACTERS = /^[A-Za-z0-9._~+/=-]+$/;
/** What Feishu says about a user token it does not accept: the token's fault, not an outage. */
const REJECTED_TOKEN_KINDS: ReadonlySet<FeishuApiError['kind']> = new Set([
  'invalid-token',
  'reauth',
  'request',
]);

/**
 * `Authorization: Bearer <user_access_token>` for `FeishuAuthGuard` (option `bearer.enabled`): the
 * token is validated with Feishu's user_info once and cached for `bearer.cacheTtlSeconds`; a client
 * over its `strangerBudget` of tokens never seen before gets 429; a token Feishu refused is
 * remembered by hash and refused without asking again. Only a user this app holds tokens for is
 * let in, checked in the store on every request so a logout ends the user's tokens at once.
 *
 * @publicApi
 */
@Injectable()
export class FeishuBearerAuthenticator {
  private readonly profiles?: LRUCache<string, FeishuProfile>;
  private readonly rejected = new LRUCache<string, true>({ max: MAX_REJECTED_BEARER_TOKENS });

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
    private readonly oauth: FeishuOAuthClient,
    private readonly budget: FeishuStrangerBudget,
  ) {
    const ttlMs = options.bearer.cacheTtlSeconds * 1000;
    if (ttlMs > 0) {
      this.profiles = new LRUCache({
        max: MAX_CACHED_BEARER_TOKENS,
        ttl: ttlMs,
        perf: { now: () => options.clock() },
      });
    }
  }

  /** The `Authorization` header when the guard should read it as a Bearer token, else `undefined`. */
  header(request: FeishuHttpRequest): string | undefined {
    if (!this.options.bearer.enabled) return undefined;
    const value = request.headers.authorization;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** Who the Bearer token in `authorization` belongs to; a 401 `HttpException` when nobody here. */
  async authenticate(
    authorization: string,
    request: FeishuHttpRequest,
    response: FeishuHttpResponse,
  ): Promise<FeishuAuthContext> {
    const match = BEARER_HEADER.exec(authorization);
    if (match === null) {
      throw this.unauthorized(AUTH_REFUSAL_REASONS.malformedAuthorization);
    }
    const token = match[1];
    if (token.length > MAX_BEARER_TOKEN_LENGTH) {
      throw this.unauthorized(AUTH_REFUSAL_REASONS.bearerTooLarge);
    }
    if (!TOKEN_CHARACTERS.test(token)) {
      throw this.unauthorized(AUTH_REFUSAL_REASONS.bearerMalformed);
    }
    const profile = await this.profile(token, request, response);
    return {
      profile,
      openId: profile.openId,
      tenantKey: profile.tenantKey,
      mode: 'bearer',
      bearerToken: token,
    };
  }

  private async profile(
    token: string,
    request: FeishuHttpRequest,
    response: FeishuHttpResponse,
  ): Promise<FeishuProfile> {
    // Keyed by a hash, so the caches never hold the token itself.
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = this.profiles?.get(key);
    const profile = cached ?? (await this.validate(key, token, request, response));
    // Only a user this app holds tokens for: user records are per app (and open_ids too), so a token
    // of another app sharing the store names no record here. Read on every request, cached profile
    // or not, so a logout ends the user's Bearer tokens at once on every instance sharing the store.
    if ((await this.store.getUserToken(this.options.appId, profile.openId)) === undefined) {
      this.profiles?.delete(key);
      throw this.unauthorized(AUTH_REFUSAL_REASONS.bearerUnknownUser);
    }
    if (cached === undefined) this.profiles?.set(key, profile);
    return profile;
  }

  /**
   * Asks Feishu who a token not seen before belongs to, on the client's `strangerBudget`: refused
   * tokens are remembered (by hash) and never asked about again; a valid one gives the call back.
   */
  private async validate(
    key: string,
    token: string,
    request: FeishuHttpRequest,
    response: FeishuHttpResponse,
  ): Promise<FeishuProfile> {
    if (this.rejected.has(key)) {
      throw this.unauthorized(AUTH_REFUSAL_REASONS.bearerRejected);
    }
    this.budget.spend(request, response);
    try {
      const profile = await this.oauth.getUserInfo(token);
      this.budget.refund(request);
      return profile;
    } catch (error) {
      if (error instanceof FeishuApiError && REJECTED_TOKEN_KINDS.has(error.kind)) {
        this.rejected.set(key, true);
        throw this.unauthorized(AUTH_REFUSAL_REASONS.bearerRejected);
      }
      throw error;
    }
  }

  private unauthorized(reason: string): HttpException {
    return feishuUnauthorizedException(reason, this.options.loginPath);
  }
}
