import { BadGatewayException, HttpException, type Logger } from '@nestjs/common';
import { toFeishuHttpException } from '../feishu-auth.http-errors.js';
import { quoteInput } from '../utils/log-input.util.js';

/**
 * Turns a failure met while authenticating into the answer a client gets: the library's mapping
 * (401 / 502 / 503 / 504) for known errors; anything else, which can only come from Feishu's side
 * of the exchange misbehaving, is a 502 and logged by name and message (which never hold a token).
 */
export function toGuardHttpException(
  error: unknown,
  loginUrl: string,
  logger: Logger,
): HttpException {
  const mapped = toFeishuHttpException(error, { loginUrl });
  if (mapped instanceof HttpException) {
    return mapped;
  }
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : '';
  logger.error(`Unexpected ${name} while authenticating: ${quoteInput(message)}`);
  return new BadGatewayException({
    statusCode: 502,
    error: 'Bad Gateway',
    message: 'Signing in with Feishu failed unexpectedly.',
  });
}
