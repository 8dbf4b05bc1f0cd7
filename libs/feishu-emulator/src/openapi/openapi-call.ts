import type { EmulatorApp, EmulatorUser } from '../emulator.options.js';

/** Which token an OpenAPI route accepts. @publicApi */
export type EmulatorTokenType = 'tenant' | 'user';

/** The methods an OpenAPI route may be registered for. @publicApi */
export type EmulatorHttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One authenticated OpenAPI call, as a route handler gets it and as the route's request log keeps
 * it. The gateway has checked the Bearer token before the handler runs.
 * @publicApi
 */
export interface EmulatorApiCall {
  method: EmulatorHttpMethod;
  /** The request path, without the query. */
  path: string;
  /** `:name` segments of the route pattern, URL-decoded. */
  params: Record<string, string>;
  query: Record<string, string>;
  /** The parsed JSON (or form) body; `{}` when there is none. */
  body: Record<string, unknown>;
  /** The kind of token the caller presented. */
  tokenType: EmulatorTokenType;
  /** The app the token belongs to. */
  app: EmulatorApp;
  /** The tenant the token acts in. */
  tenantKey: string;
  /** The signed-in user of a user token. */
  user?: EmulatorUser;
  /** That user's open_id in `app` (open_id is per app). */
  openId?: string;
  /** The scopes a user token carries; empty for a tenant token. */
  scopes: string[];
  /** Emulator clock, epoch ms. */
  at: number;
}

/**
 * What a route handler returns: the `data` of the `{code:0,msg:"success",data}` answer. Throw an
 * `EmulatorApiError` to answer a Feishu error instead.
 * @publicApi
 */
export type EmulatorApiHandler = (call: EmulatorApiCall) => unknown;

/**
 * A Feishu business error, answered as `{code, msg, error: {log_id}}` with `status` (default 400,
 * as Feishu's OpenAPIs answer parameter and permission errors).
 * @publicApi
 */
export class EmulatorApiError extends Error {
  constructor(
    readonly code: number,
    msg: string,
    readonly status = 400,
    /** Extra fields of the `error` object, e.g. `field_violations`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(msg);
    this.name = 'EmulatorApiError';
  }
}

/**
 * The gateway's parameter check: HTTP 400, 99992402 `field validation failed`, with the field named
 * in `error.field_violations`.
 * @publicApi
 */
export function fieldValidationError(field: string, description: string): EmulatorApiError {
  return new EmulatorApiError(99992402, 'field validation failed', 400, {
    field_violations: [{ field, description }],
  });
}

/** @publicApi */
export interface EmulatorRouteOptions {
  /** Tokens the route accepts. Default: both, as most Feishu OpenAPIs. */
  tokens?: readonly EmulatorTokenType[];
}

/** A registered route and what the app sent to it. @publicApi */
export interface EmulatorRouteHandle {
  /** Every authenticated call, oldest first (calls the gateway refused are not kept). */
  readonly calls: readonly EmulatorApiCall[];
  /** Unregisters the route: later calls get 404 (or the built-in route it shadowed). */
  remove(): void;
}
