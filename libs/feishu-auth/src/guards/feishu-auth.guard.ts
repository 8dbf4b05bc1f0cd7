import {
  HttpException,
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import { FeishuReauthRequiredError } from '../feishu-auth.errors.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import type { FeishuHttpRequest, FeishuHttpResponse } from '../http/feishu-http.adapter.js';
import type { FeishuSessionRecord } from '../interfaces/feishu-token-store.interface.js';
import { TokenService } from '../services/token.service.js';
import { FeishuSessionService } from '../session/feishu-session.service.js';
import {
  contextRequest,
  FEISHU_TOKEN_PARAMS,
  setResolvedTokens,
  tokenNeeds,
  type FeishuTokenNeeds,
  type FeishuTokenParamKind,
} from '../decorators/feishu-token-params.util.js';
import { AUTH_REFUSAL_REASONS, feishuUnauthorizedException } from './feishu-auth-guard.messages.js';
import type {
  FeishuAuthContext,
  FeishuAuthenticatedRequest,
} from '../interfaces/feishu-auth-request.interface.js';
import { FeishuBearerAuthenticator } from './feishu-bearer.authenticator.js';
import { toGuardHttpException } from './feishu-guard-errors.util.js';

/** Who is let in, and the tokens the handler's parameters asked for. */
interface Admission {
  auth: FeishuAuthContext;
  userToken?: string;
  tenantToken?: string;
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
 * Extend it as `AuthGuard` of `@nestjs/passport` and `ThrottlerGuard` are extended, through its
 * protected hooks: `shouldSkip` (let a route in without authenticating), `getRequest` /
 * `getResponse` (where the request comes from), `handleRequest` (what a refusal or an admission
 * becomes).
 *
 * @publicApi
 */
@Injectable()
export class FeishuAuthGuard implements CanActivate {
  protected readonly logger = new Logger(FeishuAuthGuard.name);
  /** What each handler's parameters ask for, read from its metadata once. */
  private readonly needsByHandler = new Map<object, FeishuTokenNeeds | undefined>();

  constructor(
    @Inject(FEISHU_AUTH_OPTIONS) protected readonly options: ResolvedFeishuAuthOptions,
    protected readonly sessions: FeishuSessionService,
    protected readonly tokens: TokenService,
    protected readonly reflector: Reflector,
    private readonly bearer: FeishuBearerAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const skip = this.shouldSkip(context);
    if (skip === true || (skip !== false && (await skip))) {
      return true;
    }
    const request = this.getRequest(context);
    const response = this.getResponse(context);
    const needs = this.tokenNeeds(context);
    // A session token is the library's own credential: it wins over an Authorization header the
    // client may send for other purposes, and is never mistaken for a Feishu token.
    const authorization = this.sessions.hasSessionHeader(request)
      ? undefined
      : this.bearer.header(request);
    let admission: Admission | undefined;
    let refusal: HttpException | undefined;
    try {
      admission =
        authorization === undefined
          ? await this.admitSession(request, needs)
          : await this.withTokens(
              await this.bearer.authenticate(authorization, request, response),
              needs,
            );
    } catch (error) {
      refusal = await this.refusal(error, request, response, authorization === undefined);
    }
    const auth = this.handleRequest(refusal, admission?.auth, context);
    if (auth !== undefined) {
      request.feishu = auth;
      request.user = auth.profile;
      // The tokens were read for the admitted user: never handed to anybody else.
      if (needs !== undefined && admission !== undefined && auth.openId === admission.auth.openId) {
        setResolvedTokens(request, admission.userToken, admission.tenantToken);
      }
    }
    return true;
  }

  /**
   * `true` lets the request in without authenticating it (no `request.feishu`, no tokens: the
   * token decorators then answer 401). As `ThrottlerGuard.shouldSkip`; default `false`.
   */
  protected shouldSkip(_context: ExecutionContext): boolean | Promise<boolean> {
    return false;
  }

  /** The request to authenticate and attach `feishu` and `user` to. As `AuthGuard.getRequest`. */
  protected getRequest(context: ExecutionContext): FeishuAuthenticatedRequest<FeishuHttpRequest> {
    return contextRequest(context);
  }

  /** The response a refusal may set headers on (a cleared cookie, `Retry-After`). */
  protected getResponse(context: ExecutionContext): FeishuHttpResponse {
    return context.getArgByIndex<FeishuHttpResponse>(1);
  }

  /**
   * Decides what the guard's verdict becomes, as `AuthGuard.handleRequest`: `refusal` is the
   * `HttpException` the client would get (its `cause` the library's error, when there is one),
   * `auth` who was let in. Return the `FeishuAuthContext` to attach (its tokens are resolved for
   * its `openId` only), `undefined` to let the request in unauthenticated, or throw to refuse.
   * Default: throws `refusal`, else returns `auth`.
   */
  protected handleRequest(
    refusal: HttpException | undefined,
    auth: FeishuAuthContext | undefined,
    _context: ExecutionContext,
  ): FeishuAuthContext | undefined {
    if (refusal !== undefined) {
      throw refusal;
    }
    return auth;
  }

  private tokenNeeds(context: ExecutionContext): FeishuTokenNeeds | undefined {
    const handler = context.getHandler();
    if (this.needsByHandler.has(handler)) {
      return this.needsByHandler.get(handler);
    }
    const needs = tokenNeeds(
      this.reflector.get<FeishuTokenParamKind[] | undefined>(FEISHU_TOKEN_PARAMS, handler),
    );
    this.needsByHandler.set(handler, needs);
    return needs;
  }

  private async admitSession(
    request: FeishuHttpRequest,
    needs: FeishuTokenNeeds | undefined,
  ): Promise<Admission> {
    const reference = this.sessions.reference(request);
    if (reference === undefined) {
      throw this.noSession(request);
    }
    const session = this.sessions.getByReference(reference);
    const openId = reference.openId;
    if (needs === undefined || openId === undefined) {
      return this.withTokens(sessionAuth(this.validSession(await session, request)), needs);
    }
    // A session's user never changes: once this instance has read the session, the user's tokens
    // are read alongside it, so a remote store costs one round trip instead of two. They are used
    // only if the session turns out valid (their failure is then the request's); otherwise dropped.
    try {
      const [record, userToken, tenantToken] = await Promise.all([
        session,
        needs.user ? this.tokens.getUserAccessToken(openId) : undefined,
        needs.tenant ? this.tenantToken(reference.tenantKey) : undefined,
      ]);
      return { auth: sessionAuth(this.validSession(record, request)), userToken, tenantToken };
    } catch (error) {
      this.validSession(await session, request);
      throw error;
    }
  }

  private validSession(
    record: FeishuSessionRecord | undefined,
    request: FeishuHttpRequest,
  ): FeishuSessionRecord {
    if (record === undefined) {
      throw this.noSession(request);
    }
    return record;
  }

  /** `auth` with the tokens `needs` asks for, read in parallel. */
  private async withTokens(
    auth: FeishuAuthContext,
    needs: FeishuTokenNeeds | undefined,
  ): Promise<Admission> {
    if (needs === undefined) {
      return { auth };
    }
    const [userToken, tenantToken] = await Promise.all([
      needs.user ? (auth.bearerToken ?? this.tokens.getUserAccessToken(auth.openId)) : undefined,
      needs.tenant ? this.tenantToken(auth.tenantKey) : undefined,
    ]);
    return { auth, userToken, tenantToken };
  }

  private tenantToken(tenantKey: string | undefined): Promise<string> {
    return this.tokens.getTenantAccessToken(
      this.options.appType === 'store' ? tenantKey : undefined,
    );
  }

  private noSession(request: FeishuHttpRequest): HttpException {
    return this.unauthorized(
      this.sessions.hasSessionHeader(request)
        ? AUTH_REFUSAL_REASONS.noSessionToken
        : this.sessions.hasCookie(request)
          ? AUTH_REFUSAL_REASONS.noSession
          : AUTH_REFUSAL_REASONS.noCredentials,
    );
  }

  private async refusal(
    error: unknown,
    request: FeishuHttpRequest,
    response: FeishuHttpResponse,
    bySession: boolean,
  ): Promise<HttpException> {
    if (error instanceof FeishuReauthRequiredError) {
      // The session outlived the user's Feishu authorization: end it, so the next request is a plain 401.
      if (bySession) {
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

function sessionAuth(record: FeishuSessionRecord): FeishuAuthContext {
  return {
    profile: record.profile,
    openId: record.openId,
    tenantKey: record.profile.tenantKey,
    mode: 'session',
  };
}
