import { HttpException, HttpStatus } from '@nestjs/common';
import {
  FeishuApiError,
  FeishuAppTicketUnavailableError,
  FeishuBudgetExceededError,
  FeishuConfigError,
  FeishuReauthRequiredError,
  FeishuStoreUnavailableError,
} from './feishu-auth.errors.js';
import { feishuCodeMeaning } from './http/feishu-error-codes.js';
import { FeishuRefreshLockTimeoutError } from './services/refresh-lock-timeout.error.js';

/** @publicApi */
export interface FeishuHttpExceptionOptions {
  /** Returned as `loginUrl` in 401 answers (the module's `loginPath`). */
  loginUrl?: string;
}

/**
 * Maps any error met while talking to Feishu or the token store to the Nest `HttpException` a
 * client should see: 401 when the user must sign in again, 429 when a client spent its
 * `strangerBudget`, 502 for a Feishu error, 503 when Feishu
 * or the store is unavailable or rate limited, 504 on timeout. Unknown errors are returned as they
 * are (Nest answers 500 for them). The body carries no token.
 *
 * @publicApi
 */
export function toFeishuHttpException(
  error: unknown,
  options: FeishuHttpExceptionOptions = {},
): unknown {
  if (error instanceof HttpException) return error;
  if (error instanceof FeishuReauthRequiredError)
    return unauthorized(error.reason, options.loginUrl, error);
  if (error instanceof FeishuStoreUnavailableError) {
    return exception(
      HttpStatus.SERVICE_UNAVAILABLE,
      'Service Unavailable',
      'The token store is unavailable.',
      error,
    );
  }
  if (error instanceof FeishuBudgetExceededError) {
    return exception(HttpStatus.TOO_MANY_REQUESTS, 'Too Many Requests', error.message, error);
  }
  if (
    error instanceof FeishuAppTicketUnavailableError ||
    error instanceof FeishuRefreshLockTimeoutError
  ) {
    return exception(HttpStatus.SERVICE_UNAVAILABLE, 'Service Unavailable', error.message, error);
  }
  if (error instanceof FeishuConfigError) {
    return exception(
      HttpStatus.BAD_GATEWAY,
      'Bad Gateway',
      'Feishu integration is misconfigured.',
      error,
    );
  }
  if (error instanceof FeishuApiError) return fromApiError(error, options);
  return error;
}

function fromApiError(error: FeishuApiError, options: FeishuHttpExceptionOptions): HttpException {
  const feishu = { code: error.code, logId: error.logId };
  switch (error.kind) {
    case 'reauth':
      return unauthorized(error.message, options.loginUrl, error);
    case 'timeout':
      return exception(
        HttpStatus.GATEWAY_TIMEOUT,
        'Gateway Timeout',
        'Feishu did not answer in time.',
        error,
        feishu,
      );
    case 'rate-limited':
      return exception(
        HttpStatus.SERVICE_UNAVAILABLE,
        'Service Unavailable',
        'Feishu rate limit reached.',
        error,
        feishu,
      );
    case 'transient':
      return isUnavailable(error)
        ? exception(
            HttpStatus.SERVICE_UNAVAILABLE,
            'Service Unavailable',
            'Feishu is unavailable.',
            error,
            feishu,
          )
        : exception(HttpStatus.BAD_GATEWAY, 'Bad Gateway', error.message, error, feishu);
    default:
      return exception(HttpStatus.BAD_GATEWAY, 'Bad Gateway', error.message, error, feishu);
  }
}

/** No answer at all, HTTP 503, or Feishu's own "temporarily unavailable" code. */
function isUnavailable(error: FeishuApiError): boolean {
  return (
    error.httpStatus === undefined ||
    error.httpStatus === 503 ||
    feishuCodeMeaning(error.code)?.unavailable === true
  );
}

function unauthorized(reason: string, loginUrl: string | undefined, cause: unknown): HttpException {
  return new HttpException(
    {
      statusCode: HttpStatus.UNAUTHORIZED,
      error: 'Unauthorized',
      reason,
      ...(loginUrl ? { loginUrl } : {}),
    },
    HttpStatus.UNAUTHORIZED,
    { cause },
  );
}

function exception(
  status: HttpStatus,
  error: string,
  message: string,
  cause: unknown,
  feishu?: { code: number; logId?: string },
): HttpException {
  return new HttpException(
    { statusCode: status, error, message, ...(feishu ? { feishu } : {}) },
    status,
    { cause },
  );
}
