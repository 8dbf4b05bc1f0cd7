import { HttpException, HttpStatus } from '@nestjs/common';
import { FeishuApiError } from '../feishu-auth.errors.js';
import { feishuCodeMeaning } from '../http/feishu-error-codes.js';
import { LOGIN_FAILURE_MESSAGES, type FeishuLoginFailureReason } from './feishu-login.messages.js';

/**
 * A login failure the client gets as 4xx JSON `{ statusCode, error, reason, message, hint? }`
 * (or, from `FeishuLoginGuard`, a redirect to `failureRedirect`).
 *
 * @publicApi
 */
export class FeishuLoginException extends HttpException {
  constructor(
    readonly reason: FeishuLoginFailureReason,
    status: HttpStatus,
    hint?: string,
  ) {
    super(
      {
        statusCode: status,
        error: errorName(status),
        reason,
        message: LOGIN_FAILURE_MESSAGES[reason],
        ...(hint === undefined ? {} : { hint }),
      },
      status,
    );
  }
}

/**
 * What a failed code exchange means for the client: a spent, expired or mismatched code is the
 * client's problem (400 with Feishu's hint); anything else is returned as it is, for the
 * library's 502 / 503 / 504 mapping.
 */
export function codeExchangeFailure(error: unknown): unknown {
  const cause = unwrapOAuthError(error);
  if (cause instanceof FeishuApiError) {
    const reason = feishuCodeMeaning(cause.code)?.login;
    if (reason !== undefined) {
      return new FeishuLoginException(reason, HttpStatus.BAD_REQUEST, cause.hint);
    }
  }
  return cause;
}

// passport-oauth2 wraps whatever the token exchange rejected with in an InternalOAuthError, whose
// `oauthError` is that error (FeishuApiError's own `oauthError` is Feishu's OAuth error string).
function unwrapOAuthError(error: unknown): unknown {
  if (error instanceof Error && !(error instanceof FeishuApiError) && 'oauthError' in error) {
    return (error as Error & { oauthError: unknown }).oauthError;
  }
  return error;
}

function errorName(status: HttpStatus): string {
  switch (status) {
    case HttpStatus.FORBIDDEN:
      return 'Forbidden';
    case HttpStatus.URI_TOO_LONG:
      return 'URI Too Long';
    default:
      return 'Bad Request';
  }
}
