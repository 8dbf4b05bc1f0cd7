import { HttpStatus, Inject, Injectable, Logger, type ExecutionContext } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import passport from 'passport';
import { FEISHU_AUTH_OPTIONS, FEISHU_STRATEGY_NAME } from '../feishu-auth.constants.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import {
  httpExchange,
  passportExchange,
  redirect,
  requestPath,
  requestQuery,
  requestUrl,
  type FeishuHttpRequest,
  type FeishuHttpResponse,
} from '../http/feishu-http.adapter.js';
import { FeishuSignInService } from '../session/feishu-sign-in.service.js';
import type {
  FeishuLoginMeta,
  FeishuStateFailure,
} from '../strategies/feishu-login-state.store.js';
import { FeishuStrategy, type FeishuLoginResult } from '../strategies/feishu.strategy.js';
import type { FeishuAuthenticatedRequest } from '../interfaces/feishu-auth-request.interface.js';
import { toGuardHttpException } from './feishu-guard-errors.util.js';
import { codeExchangeFailure, FeishuLoginException } from '../strategies/feishu-login.exception.js';
import { toLocalReturnPath } from './feishu-return-to.util.js';

/** Feishu's callback query is a code and a state; anything near 4 KB is not one. */
const MAX_QUERY_LENGTH = 4096;

type PassportOutcome =
  | { kind: 'success'; user: FeishuLoginResult; info: { state?: FeishuLoginMeta } | undefined }
  | { kind: 'fail'; info: FeishuStateFailure | undefined }
  | { kind: 'error'; error: unknown };

/**
 * Guards both login routes. On the login route it redirects the browser to Feishu (an optional
 * `?returnTo=/local/path` is remembered); on the callback it checks the login state, exchanges the
 * code, stores the user's tokens, starts the session and lets the handler run with
 * `req.user` (the profile) and `req.feishuReturnTo` set. Failures answer 4xx JSON (or redirect to
 * `failureRedirect`), Feishu outages 502/503/504; never 500, never a token.
 *
 * @publicApi
 */
@Injectable()
export class FeishuLoginGuard extends AuthGuard(FEISHU_STRATEGY_NAME) {
  // Passport's default instance holds one strategy per name for the whole process; a private one
  // keeps two Nest apps in one process (tests, multi-tenant hosts) on their own options.
  private readonly authenticator = new passport.Passport();
  private readonly logger = new Logger(FeishuLoginGuard.name);
  private readonly callbackPath: string;

  constructor(
    strategy: FeishuStrategy,
    private readonly signIn: FeishuSignInService,
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
  ) {
    super();
    this.authenticator.use(FEISHU_STRATEGY_NAME, strategy);
    this.callbackPath = new URL(options.redirectUri).pathname;
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const { request, response } = httpExchange(context);
    try {
      rejectOversizedQuery(request);
      if (this.isCallback(request)) {
        await this.completeLogin(request, response);
        return true;
      }
      // Settles only on failure: after the redirect to Feishu the response is complete, and, as with
      // @nestjs/passport's AuthGuard, the handler must not run.
      await this.startLogin(request, response);
      return false;
    } catch (error) {
      return this.refuse(error, response);
    }
  }

  private isCallback(request: FeishuHttpRequest): boolean {
    const query = requestQuery(request);
    if ('code' in query || 'error' in query || 'state' in query) {
      return true;
    }
    const path = requestPath(request);
    return path === this.callbackPath && path !== this.options.loginPath;
  }

  private async startLogin(
    request: FeishuHttpRequest,
    response: FeishuHttpResponse,
  ): Promise<void> {
    const asked = requestQuery(request).returnTo;
    const returnTo = asked === undefined ? undefined : toLocalReturnPath(asked);
    if (asked !== undefined && returnTo === undefined) {
      throw new FeishuLoginException('invalid_return_to', HttpStatus.BAD_REQUEST);
    }
    const meta: FeishuLoginMeta | undefined = returnTo === undefined ? undefined : { returnTo };
    const outcome = await this.authenticate(request, response, { state: meta });
    if (outcome.kind === 'error') {
      throw outcome.error;
    }
    throw new FeishuLoginException('malformed_callback', HttpStatus.BAD_REQUEST);
  }

  private async completeLogin(
    request: FeishuAuthenticatedRequest<FeishuHttpRequest>,
    response: FeishuHttpResponse,
  ): Promise<void> {
    assertWellFormedCallback(request);
    const outcome = await this.authenticate(request, response, {});
    if (outcome.kind === 'error') {
      throw codeExchangeFailure(outcome.error);
    }
    if (outcome.kind === 'fail') {
      throw new FeishuLoginException(outcome.info?.reason ?? 'invalid_state', HttpStatus.FORBIDDEN);
    }
    await this.signIn.signIn(request, response, outcome.user);
    request.feishuReturnTo = outcome.info?.state?.returnTo;
  }

  /**
   * Runs the strategy with a callback, so passport never writes a failure itself. When the
   * strategy redirects (to Feishu) the response is complete and the promise never settles.
   */
  private authenticate(
    request: FeishuHttpRequest,
    response: FeishuHttpResponse,
    options: { state?: FeishuLoginMeta },
  ): Promise<PassportOutcome> {
    // Passport redirects on the Node response and reads `req.query`: give it the platform's parts.
    const passportHttp = passportExchange(request, response);
    return new Promise((resolve) => {
      const handler = this.authenticator.authenticate(
        FEISHU_STRATEGY_NAME,
        // passport-oauth2 hands an object `state` to the state store (typed as a string by @types/passport).
        { session: false, ...options } as passport.AuthenticateOptions,
        (err: unknown, user: FeishuLoginResult | false, info: unknown) => {
          if (err) {
            resolve({ kind: 'error', error: err });
          } else if (!user) {
            resolve({ kind: 'fail', info: info as FeishuStateFailure | undefined });
          } else {
            resolve({ kind: 'success', user, info: info as { state?: FeishuLoginMeta } });
          }
        },
      ) as (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
      handler(passportHttp.request, passportHttp.response, (err?: unknown) =>
        resolve({ kind: 'error', error: err }),
      );
    });
  }

  /** Answers the failure: a redirect to `failureRedirect` for login failures when configured. */
  private refuse(error: unknown, response: FeishuHttpResponse): false {
    const exception = toGuardHttpException(error, this.options.loginPath, this.logger);
    if (this.options.failureRedirect !== undefined && exception instanceof FeishuLoginException) {
      const target = new URL(this.options.failureRedirect, 'http://local.invalid');
      target.searchParams.set('error', exception.reason);
      redirect(response, 302, `${target.pathname}${target.search}`);
      return false;
    }
    throw exception;
  }
}

function rejectOversizedQuery(request: FeishuHttpRequest): void {
  const url = requestUrl(request);
  const queryStart = url.indexOf('?');
  if (queryStart >= 0 && url.length - queryStart - 1 > MAX_QUERY_LENGTH) {
    throw new FeishuLoginException('query_too_large', HttpStatus.URI_TOO_LONG);
  }
}

/** A callback Feishu sent has single string values; refuse anything else before any work. */
function assertWellFormedCallback(request: FeishuHttpRequest): void {
  const { code, state, error } = requestQuery(request);
  for (const value of [code, state, error]) {
    if (value !== undefined && typeof value !== 'string') {
      throw new FeishuLoginException('malformed_callback', HttpStatus.BAD_REQUEST);
    }
  }
  if (error !== undefined) {
    throw error === 'access_denied'
      ? new FeishuLoginException('consent_denied', HttpStatus.FORBIDDEN)
      : new FeishuLoginException('authorization_error', HttpStatus.BAD_REQUEST);
  }
  if (code === undefined || code === '') {
    throw new FeishuLoginException('missing_code', HttpStatus.BAD_REQUEST);
  }
  if (state === undefined || state === '') {
    throw new FeishuLoginException('missing_state', HttpStatus.FORBIDDEN);
  }
}
