import { createHash } from 'node:crypto';
import {
  HttpException,
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LRUCache } from 'lru-cache';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import { FeishuApiError, FeishuReauthRequiredError } from '../feishu-auth.errors.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import {
  httpExchange,
  requestHeader,
  type FeishuHttpRequest,
  type FeishuHttpResponse,
} from '../http/feishu-http.adapter.js';
import type { FeishuProfile } from '../interfaces/feishu-profile.interface.js';
import { FeishuTokenStore } from '../interfaces/feishu-token-store.interface.js';
import { FeishuOAuthClient } from '../oauth/feishu-oauth.client.js';
import { TokenService } from '../services/token.service.js';
import { FeishuSessionService } from '../session/feishu-session.service.js';
import {
  FEISHU_TOKEN_PARAMS,
  setResolvedTokens,
  type FeishuResolvedTokens,
  type FeishuTokenParamKind,
} from '../decorators/feishu-token-params.util.js';
import { AUTH_REFUSAL_REASONS, feishuUnauthorizedException } from './feishu-auth-guard.messages.js';
import type { FeishuAuthContext, FeishuAuthenticatedRequest } from './feishu-auth.request.js';
import { toGuardHttpException } from './feishu-guard-errors.util.js';
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

/** Who is let in, and the user's token when it was read alongside the session. */
interface Admission {
  auth: FeishuAuthContext;
  userToken?: Promise<string>;
}

/**
 * Lets a request in with the session cookie set by `FeishuLoginGuard` / `FeishuCodeGuard`, the
 * `X-Feishu-Session` session token `FeishuCodeGuard` gives cookie-less clients, or
 * `Authorization: Bearer <user_access_token>` (option `bearer.enabled`, validated with Feishu's
 * user_info and cached for `bearer.cacheTtlSeconds`). Attaches `request.feishu`
 * (`FeishuAuthContext`) and `request.user` (the profile), and resolves the tokens that
 * `@UserAccessToken()` / `@TenantAccessToken()` parameters of the handler ask for.
 * Refused requests get `401 { statusCode, error, reason, loginUrl }`; a client over its
 * `strangerBudget` of Bearer tokens never seen before 429 with `Retry-After` (a token Feishu refused
 * is remembered by hash and refused without asking again); Feishu failing 502/503/504, the store
 * being down 503.
 *
 * @publicApi
 */
@Injectable()
export class FeishuAuthGuard implements CanActivate {
  private readonly logger = new Logger(FeishuAuthGuard.name);
  private readonly bearerCache?: LRUCache<string, FeishuProfile>;
  private readonly rejectedBearers = new LRUCache<string, true>({
    max: MAX_REJECTED_BEARER_TOKENS,
  });

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    @Inject(FeishuTokenStore) private readonly store: FeishuTokenStore,
    private readonly sessions: FeishuSessionService,
    private readonly tokens: TokenService,
    private readonly oauth: FeishuOAuthClient,
    private readonly reflector: Reflector,
    private readonly budget: FeishuStrangerBudget,
  ) {
    const ttlMs = options.bearer.cacheTtlSeconds * 1000;
    if (ttlMs > 0) {
      this.bearerCache = new LRUCache({
        max: MAX_CACHED_BEARER_TOKENS,
        ttl: ttlMs,
        perf: { now: () => options.clock() },
      });
    }
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { request, response } = httpExchange(context);
    const kinds = this.reflector.get<FeishuTokenParamKind[] | undefined>(
      FEISHU_TOKEN_PARAMS,
      context.getHandler(),
    );
    try {
      const admission = await this.authenticate(
        request,
        response,
        kinds?.includes('user') === true,
      );
      request.feishu = admission.auth;
      request.user = admission.auth.profile;
      // Only for handlers whose parameters use the token decorators; others pay nothing.
      if (kinds !== undefined) {
        setResolvedTokens(request, await this.resolveTokens(kinds, admission));
      }
      return true;
    } catch (error) {
      throw await this.refusal(error, request, response);
    }
  }

  private async authenticate(
    request: FeishuHttpRequest,
    response: FeishuHttpResponse,
    wantsUserToken: boolean,
  ): Promise<Admission> {
    // A session token is the library's own credential: it wins over an Authorization header the
    // client may send for other purposes, and is never mistaken for a Feishu token.
    const hasSessionToken = this.sessions.hasSessionHeader(request);
    const authorization = requestHeader(request, 'authorization');
    if (!hasSessionToken && this.options.bearer.enabled && authorization !== undefined) {
      return { auth: await this.authenticateBearer(authorization, request, response) };
    }
    const reference = this.sessions.reference(request);
    // A session's user never changes: once this instance has read the session, the user's token is
    // read alongside it, so a remote store costs one round trip instead of two. It is used only if
    // the session turns out valid (its failure is then the request's); otherwise dropped.
    const knownOpenId = wantsUserToken ? reference?.openId : undefined;
    const userToken =
      knownOpenId === undefined ? undefined : this.tokens.getUserAccessToken(knownOpenId);
    void userToken?.catch(() => undefined);
    const session = await this.sessions.getByReference(reference);
    if (session === undefined) {
      throw this.unauthorized(
        hasSessionToken
          ? AUTH_REFUSAL_REASONS.noSessionToken
          : this.sessions.hasCookie(request)
            ? AUTH_REFUSAL_REASONS.noSession
            : AUTH_REFUSAL_REASONS.noCredentials,
      );
    }
    return {
      auth: {
        profile: session.profile,
        openId: session.openId,
        tenantKey: session.profile.tenantKey,
        mode: 'session',
      },
      userToken: session.openId === knownOpenId ? userToken : undefined,
    };
  }

  private async authenticateBearer(
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
    const profile = await this.bearerProfile(token, request, response);
    return {
      profile,
      openId: profile.openId,
      tenantKey: profile.tenantKey,
      mode: 'bearer',
      bearerToken: token,
    };
  }

  private async bearerProfile(
    token: string,
    request: FeishuHttpRequest,
    response: FeishuHttpResponse,
  ): Promise<FeishuProfile> {
    // Keyed by a hash, so the caches never hold the token itself.
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = this.bearerCache?.get(key);
    const profile = cached ?? (await this.validateBearer(key, token, request, response));
    // Only a user this app holds tokens for: user records are per app (and open_ids too), so a token
    // of another app sharing the store names no record here. Read on every request, cached profile
    // or not, so a logout ends the user's Bearer tokens at once on every instance sharing the store.
    if ((await this.store.getUserToken(this.options.appId, profile.openId)) === undefined) {
      this.bearerCache?.delete(key);
      throw this.unauthorized(AUTH_REFUSAL_REASONS.bearerUnknownUser);
    }
    if (cached === undefined) this.bearerCache?.set(key, profile);
    return profile;
  }

  /**
   * Asks Feishu who a token not seen before belongs to, on the client's `strangerBudget`: refused
   * tokens are remembered (by hash) and never asked about again; a valid one gives the call back.
   */
  private async validateBearer(
    key: string,
    token: string,
    request: FeishuHttpRequest,
    response: FeishuHttpResponse,
  ): Promise<FeishuProfile> {
    if (this.rejectedBearers.has(key)) {
      throw this.unauthorized(AUTH_REFUSAL_REASONS.bearerRejected);
    }
    this.budget.spend(request, response);
    try {
      const profile = await this.oauth.getUserInfo(token);
      this.budget.refund(request);
      return profile;
    } catch (error) {
      if (error instanceof FeishuApiError && REJECTED_TOKEN_KINDS.has(error.kind)) {
        this.rejectedBearers.set(key, true);
        throw this.unauthorized(AUTH_REFUSAL_REASONS.bearerRejected);
      }
      throw error;
    }
  }

  private async resolveTokens(
    kinds: readonly FeishuTokenParamKind[],
    admission: Admission,
  ): Promise<FeishuResolvedTokens> {
    const values = await Promise.all(kinds.map((kind) => this.tokenFor(kind, admission)));
    const resolved: FeishuResolvedTokens = {};
    kinds.forEach((kind, index) => {
      resolved[kind] = values[index];
    });
    return resolved;
  }

  private tokenFor(kind: FeishuTokenParamKind, { auth, userToken }: Admission): Promise<string> {
    if (kind === 'user') {
      return auth.bearerToken !== undefined
        ? Promise.resolve(auth.bearerToken)
        : (userToken ?? this.tokens.getUserAccessToken(auth.openId));
    }
    return this.tokens.getTenantAccessToken(
      this.options.appType === 'store' ? auth.tenantKey : undefined,
    );
  }

  private async refusal(
    error: unknown,
    request: FeishuAuthenticatedRequest<FeishuHttpRequest>,
    response: FeishuHttpResponse,
  ): Promise<HttpException> {
    if (error instanceof FeishuReauthRequiredError) {
      // The session outlived the user's Feishu authorization: end it, so the next request is a plain 401.
      if (request.feishu?.mode === 'session') {
        await this.sessions.logout(request, response).catch(() => undefined);
      }
      return this.unauthorized(AUTH_REFUSAL_REASONS.reauthRequired, error);
    }
    return toGuardHttpException(error, this.options.loginPath, this.logger);
  }

  private unauthorized(reason: string, cause?: unknown): HttpException {
    return feishuUnauthorizedException(reason, this.options.loginPath, cause);
  }
}
