import type {
  EmulatorApp,
  EmulatorTenant,
  EmulatorUser,
  ResolvedEmulatorOptions,
} from './emulator.options.js';
import type { EmulatorHttpMethod } from './openapi/openapi-call.js';
import type { ErrorShape } from './http/responses.js';
import type { RequestContext } from './http/request-context.js';
import type { AuthorizationCodes } from './state/authorization-codes.js';
import type { EmulatorClock } from './state/clock.js';
import type { SentMessages } from './state/sent-messages.js';
import type { TokenRegistry } from './state/token-registry.js';

/** What endpoint handlers may read and change; owned by FeishuEmulator. */
export interface EmulatorRuntime {
  readonly options: ResolvedEmulatorOptions;
  readonly clock: EmulatorClock;
  readonly apps: EmulatorApp[];
  readonly users: EmulatorUser[];
  readonly tokens: TokenRegistry;
  readonly codes: AuthorizationCodes;
  /** The latest app_ticket pushed per app; only it is accepted. */
  readonly appTickets: Map<string, string>;
  /** Messages sent through im/v1/messages. */
  readonly messages: SentMessages;
  findApp(appId: string | undefined): EmulatorApp | undefined;
  /** By the user's key, `EmulatorUser.openId` (the default app's open_id). */
  findUser(userKey: string | undefined): EmulatorUser | undefined;
  /** The user whose open_id in this app is `openId`. */
  findUserInApp(appId: string, openId: string | undefined): EmulatorUser | undefined;
  /** The tenant of that key (a listed one, or one with default fields). */
  findTenant(tenantKey: string): EmulatorTenant;
  /** The open_id this app sees for the user (open_id is per app on Feishu). */
  openIdIn(appId: string, user: EmulatorUser): string;
  /** Push a fresh app_ticket soon (after a resend request); never throws. */
  scheduleAppTicketPush(appId: string): void;
}

/** One endpoint: how it is matched, counted and rate limited, and how it answers. */
export interface Route {
  method: EmulatorHttpMethod;
  /** A path, where `:name` segments become `ctx.params.name`. */
  pattern: string;
  /** `html` pages report request problems as JSON `{code,msg}` too. */
  shape: ErrorShape;
  /** The stats key of this call (may depend on the body, e.g. the grant type). */
  statsKey(ctx: RequestContext): string;
  /** The app the call is counted against when rate limiting is on; undefined = not limited. */
  rateLimitSubject?(ctx: RequestContext): string | undefined;
  /** Reject a body that is not JSON or form data (token endpoints do; GET routes ignore bodies). */
  requiresWellFormedBody: boolean;
  /** Error code answered for a malformed or oversized body. */
  badBodyCode: number;
  handle(ctx: RequestContext, runtime: EmulatorRuntime): void | Promise<void>;
}
