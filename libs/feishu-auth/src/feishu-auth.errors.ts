/**
 * What a failure means for the caller:
 * - `config`: bad app id / secret / redirect URI / scopes: fix the configuration, retrying cannot help;
 * - `reauth`: the user must log in again (refresh token expired, used or revoked);
 * - `invalid-token`: Feishu rejected a token that should have been valid: drop it and fetch another;
 * - `transient`: Feishu failed or was unreachable; a retry may succeed;
 * - `rate-limited`: Feishu's frequency control; retry later;
 * - `timeout`: no answer within the configured timeout;
 * - `request`: the request itself was wrong (missing or bad parameter, permission): retrying cannot help.
 *
 * @publicApi
 */
export type FeishuErrorKind =
  'config' | 'reauth' | 'invalid-token' | 'transient' | 'rate-limited' | 'timeout' | 'request';

/** @publicApi */
export interface FeishuApiErrorDetails {
  /** Feishu's body `code`; `-1` when no Feishu answer was read (network error, timeout, bad JSON). */
  code: number;
  /** HTTP status of the answer; `undefined` when none arrived. */
  httpStatus?: number;
  /** Feishu's `msg` / `error_description`. Never contains a token. */
  message: string;
  /** The OAuth `error` string of the v2/v3 token endpoints, e.g. `invalid_grant`. */
  oauthError?: string;
  /** `x-tt-logid` of the answer: quote it to Feishu support. */
  logId?: string;
  /** The path that was called (no query string). */
  endpoint: string;
  kind: FeishuErrorKind;
  /** What to check, in words a developer acts on. */
  hint?: string;
  /** For `rate-limited`: how long Feishu asked to wait (`x-ogw-ratelimit-reset`), in ms. */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * The base class of the errors this library throws, so one `instanceof FeishuAuthError` tells
 * them from anything else. (`FeishuLoginException`, the HTTP answer to a refused login, is a Nest
 * `HttpException` instead.) Messages never carry a token or a secret.
 *
 * @publicApi
 */
export abstract class FeishuAuthError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A call to Feishu failed. Carries Feishu's `code`, the HTTP status, the log id and a hint;
 * never a token or a secret.
 *
 * @publicApi
 */
export class FeishuApiError extends FeishuAuthError {
  readonly code: number;
  readonly httpStatus?: number;
  readonly oauthError?: string;
  readonly logId?: string;
  readonly endpoint: string;
  readonly kind: FeishuErrorKind;
  readonly hint?: string;
  readonly retryAfterMs?: number;

  constructor(details: FeishuApiErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'FeishuApiError';
    this.code = details.code;
    this.httpStatus = details.httpStatus;
    this.oauthError = details.oauthError;
    this.logId = details.logId;
    this.endpoint = details.endpoint;
    this.kind = details.kind;
    this.hint = details.hint;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** A retry of the same request may succeed. */
  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'rate-limited' || this.kind === 'timeout';
  }
}

/**
 * The user's tokens cannot be renewed (no refresh token, or Feishu refused it as expired, used or
 * revoked): the user must log in again. `FeishuAuthGuard` answers 401 with the login URL.
 *
 * @publicApi
 */
export class FeishuReauthRequiredError extends FeishuAuthError {
  constructor(
    readonly openId: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'FeishuReauthRequiredError';
  }
}

/**
 * The module options are missing or malformed; thrown at boot. The message names the option and
 * what is expected, never a secret's value.
 *
 * @publicApi
 */
export class FeishuConfigError extends FeishuAuthError {
  constructor(message: string) {
    super(message);
    this.name = 'FeishuConfigError';
  }
}

/**
 * The token store cannot reach its backend (e.g. Redis is down). Answered as 503.
 *
 * @publicApi
 */
export class FeishuStoreUnavailableError extends FeishuAuthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeishuStoreUnavailableError';
  }
}

/**
 * A store app has no app_ticket yet (Feishu pushes one every hour and after a resend, which was
 * just requested). Answered as 503: retry in a few seconds.
 *
 * @publicApi
 */
export class FeishuAppTicketUnavailableError extends FeishuAuthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'FeishuAppTicketUnavailableError';
  }
}

/**
 * An event pushed to the events endpoint was refused: wrong verification token, bad signature,
 * undecryptable or malformed. `status` is what the endpoint answers (400 or 401).
 *
 * @publicApi
 */
export class FeishuEventRejectedError extends FeishuAuthError {
  constructor(
    message: string,
    readonly status: 400 | 401,
  ) {
    super(message);
    this.name = 'FeishuEventRejectedError';
  }
}

/**
 * A client spent its budget of unauthenticated work that reaches Feishu (`strangerBudget`:
 * validating unknown Bearer tokens, exchanging in-app codes). Answered as 429 with `Retry-After`.
 *
 * @publicApi
 */
export class FeishuBudgetExceededError extends FeishuAuthError {
  constructor(
    message: string,
    /** When the client may try again, in ms. */
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'FeishuBudgetExceededError';
  }
}

/**
 * A store app asked for a tenant access token without the tenant key of the tenant to act for
 * (`TokenService.getTenantAccessToken(tenantKey)`, `FeishuClient` with `token: 'tenant'`). A bug
 * in the caller: pass the user's `tenantKey` (from their profile or the app-installed event).
 *
 * @publicApi
 */
export class FeishuTenantKeyRequiredError extends FeishuAuthError {
  constructor(message: string) {
    super(message);
    this.name = 'FeishuTenantKeyRequiredError';
  }
}

/**
 * A call named a token the library cannot serve: a user token without the user's openId
 * (`FeishuClient` / `ManagedTokens` with `token: 'user'`, `LarkUserTokens.withUser()` on a route no
 * `FeishuAuthGuard` let the user through), or a `token` kind other than `'tenant'`, `'user'` and
 * `'app'`. A bug in the caller, answered 500.
 *
 * @publicApi
 */
export class FeishuTokenRefError extends FeishuAuthError {
  constructor(message: string) {
    super(message);
    this.name = 'FeishuTokenRefError';
  }
}
