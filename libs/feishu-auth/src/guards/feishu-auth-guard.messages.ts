import { HttpStatus, UnauthorizedException } from '@nestjs/common';

/** Why `FeishuAuthGuard` refused a request; the `reason` of its 401 answer. */
export const AUTH_REFUSAL_REASONS = {
  noCredentials: 'Not signed in: no session cookie, X-Feishu-Session token or Bearer token.',
  noSession: 'The session cookie is invalid, expired or unknown; sign in again.',
  noSessionToken: 'The X-Feishu-Session token is invalid, expired or unknown; sign in again.',
  malformedAuthorization: 'The Authorization header must be "Bearer <user_access_token>".',
  bearerTooLarge: 'The Bearer token is too large to be a Feishu user access token.',
  bearerMalformed: 'The Bearer token is not a Feishu user access token.',
  bearerRejected: 'Feishu rejected the Bearer token (invalid, expired or revoked).',
  bearerUnknownUser:
    'The Bearer token belongs to a user who never signed in to this app (or to another app); sign in first.',
  notAuthenticated: 'Not signed in: the route needs FeishuAuthGuard.',
  reauthRequired: 'The Feishu authorization expired or was revoked; sign in again.',
} as const;

/** The documented 401 body: `{ statusCode, error, reason, loginUrl }`. */
export function feishuUnauthorizedException(
  reason: string,
  loginUrl: string,
  cause?: unknown,
): UnauthorizedException {
  return new UnauthorizedException(
    { statusCode: HttpStatus.UNAUTHORIZED, error: 'Unauthorized', reason, loginUrl },
    cause === undefined ? undefined : { cause },
  );
}

/** A token decorator on a route without `FeishuAuthGuard`: refuse rather than run unauthenticated. */
export function notAuthenticatedException(): UnauthorizedException {
  return new UnauthorizedException({
    statusCode: HttpStatus.UNAUTHORIZED,
    error: 'Unauthorized',
    reason: AUTH_REFUSAL_REASONS.notAuthenticated,
  });
}
