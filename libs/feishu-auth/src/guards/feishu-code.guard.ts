import {
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from '../feishu-auth.constants.js';
import type { ResolvedFeishuAuthOptions } from '../feishu-auth.options.js';
import {
  httpExchange,
  isJsonRequest,
  type FeishuHttpRequest,
} from '../http/feishu-http.adapter.js';
import {
  FeishuSignInService,
  type FeishuSessionTransport,
} from '../session/feishu-sign-in.service.js';
import { toGuardHttpException } from './feishu-guard-errors.util.js';
import { codeExchangeFailure, FeishuLoginException } from '../strategies/feishu-login.exception.js';
import { FeishuStrangerBudget } from './feishu-stranger.budget.js';

/** Feishu documents codes of `[A-Za-z0-9_-]` and tells clients to reserve 64 characters or more. */
const MAX_CODE_LENGTH = 512;
const CODE_CHARACTERS = /^[A-Za-z0-9_-]+$/;

/** The JSON body the front end posts. */
interface CodeRequest {
  code: string;
  session: FeishuSessionTransport;
}

/**
 * Signs in with an authorization code the app's front end got inside the Feishu client (the
 * `requestAccess` JSAPI of a web app or mini-program: no browser redirect, no state, no PKCE).
 * Reads `{ "code": "...", "session"?: "cookie" | "token" }` from a JSON body, exchanges the code
 * on the configured token endpoint without `redirect_uri`, reads the profile, stores the tokens
 * and starts the session exactly as the redirect callback does; then lets the handler run with
 * `req.user` set and, for `"session": "token"`, `req.feishuSessionToken` (answer it to the client,
 * which sends it back as `X-Feishu-Session`). A bad body answers 400 before Feishu is called; a
 * spent, expired or foreign code 400 with Feishu's hint; a client over its `strangerBudget` of
 * exchanges 429 with `Retry-After`; Feishu failing 502/503/504.
 *
 * ```ts
 * @Post('auth/feishu/code') @HttpCode(200) @UseGuards(FeishuCodeGuard)
 * signIn(@FeishuUser() user: FeishuProfile, @Req() req: FeishuAuthenticatedRequest) {
 *   return { name: user.name, ...req.feishuSessionToken };
 * }
 * ```
 *
 * @publicApi
 */
@Injectable()
export class FeishuCodeGuard implements CanActivate {
  private readonly logger = new Logger(FeishuCodeGuard.name);

  constructor(
    private readonly signIn: FeishuSignInService,
    @Inject(FEISHU_AUTH_OPTIONS) private readonly options: ResolvedFeishuAuthOptions,
    private readonly budget: FeishuStrangerBudget,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const { request, response } = httpExchange(context);
    const { code, session } = readCodeRequest(request);
    try {
      // Each exchange is a token-endpoint call with the app secret: on the client's budget,
      // given back once the code signed someone in.
      this.budget.spend(request, response);
      const login = await this.signIn.exchangeInAppCode(code).catch((error: unknown) => {
        throw codeExchangeFailure(error);
      });
      await this.signIn.signIn(request, response, login, session);
      this.budget.refund(request);
      return true;
    } catch (error) {
      throw toGuardHttpException(error, this.options.loginPath, this.logger);
    }
  }
}

/**
 * A JSON body (so a cross-site HTML form, which cannot send one, cannot sign a browser in) with a
 * code that can be Feishu's; refused before anything reaches Feishu.
 */
function readCodeRequest(request: FeishuHttpRequest): CodeRequest {
  const body: unknown = request.body;
  if (!isJsonRequest(request) || typeof body !== 'object' || body === null) {
    throw invalidRequest();
  }
  const { code, session = 'cookie' } = body as Record<string, unknown>;
  if (typeof code !== 'string' || code === '' || (session !== 'cookie' && session !== 'token')) {
    throw invalidRequest();
  }
  if (code.length > MAX_CODE_LENGTH || !CODE_CHARACTERS.test(code)) {
    throw new FeishuLoginException('malformed_code', HttpStatus.BAD_REQUEST);
  }
  return { code, session };
}

function invalidRequest(): FeishuLoginException {
  return new FeishuLoginException('invalid_code_request', HttpStatus.BAD_REQUEST);
}
