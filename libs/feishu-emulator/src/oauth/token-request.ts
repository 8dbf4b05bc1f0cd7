import type { EmulatorApp } from '../emulator.options.js';
import type { EmulatorRuntime } from '../emulator.runtime.js';
import {
  basicCredentials,
  hasNonStringField,
  stringField,
  type RequestContext,
} from '../http/request-context.js';
import { sendJson, sendOAuthError } from '../http/responses.js';
import {
  exchangeAuthorizationCode,
  type GrantResult,
  refreshUserToken,
} from './user-token.grants.js';

export interface ClientCredentials {
  clientId?: string;
  clientSecret?: string;
}

/** A token request that passed the checks v2 and v3 share: its grant type and its app. */
export interface TokenRequest<Grant extends string> {
  grant: Grant;
  app: EmulatorApp;
}

const OAUTH_STRING_FIELDS = [
  'grant_type',
  'client_id',
  'client_secret',
  'code',
  'redirect_uri',
  'code_verifier',
  'scope',
  'refresh_token',
] as const;

/** The body field each user-token grant cannot do without (20001 when it is missing). */
export const GRANT_FIELD: Readonly<Record<string, string>> = {
  authorization_code: 'code',
  refresh_token: 'refresh_token',
};

/**
 * The opening checks of `/open-apis/authen/v2/oauth/token` and `/oauth/v3/token`, in Feishu's
 * order: a non-string field 20063; a missing grant_type 20001, an unknown one 20036; Basic and body
 * credentials together 20070; a missing client id, secret or grant field 20001; then the app
 * (20048 unknown, 20002 wrong secret, 20069 disabled).
 */
export function readTokenRequest<Grant extends string>(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
  grants: readonly Grant[],
): TokenRequest<Grant> | { code: number } {
  if (hasNonStringField(ctx.body, OAUTH_STRING_FIELDS)) return { code: 20063 };
  const grant = stringField(ctx.body, 'grant_type');
  if (grant === undefined) return { code: 20001 };
  if (!(grants as readonly string[]).includes(grant)) return { code: 20036 };
  const credentials = readClientCredentials(ctx);
  if ('code' in credentials) return credentials;
  const required = GRANT_FIELD[grant];
  if (
    !credentials.clientId ||
    !credentials.clientSecret ||
    (required !== undefined && !stringField(ctx.body, required))
  ) {
    return { code: 20001 };
  }
  const app = authenticateApp(runtime, credentials);
  if ('code' in app) return app;
  return { grant: grant as Grant, app };
}

/** Body or Basic client credentials; both at once is 20070. */
function readClientCredentials(ctx: RequestContext): ClientCredentials | { code: 20070 } {
  const basic = basicCredentials(ctx.request);
  const bodySecret = stringField(ctx.body, 'client_secret');
  if (basic && bodySecret !== undefined) return { code: 20070 };
  return {
    clientId: basic?.clientId ?? stringField(ctx.body, 'client_id'),
    clientSecret: basic?.clientSecret ?? bodySecret,
  };
}

/** 20048 → 20002 → 20069: the first three steps of the check order. */
function authenticateApp(
  runtime: EmulatorRuntime,
  credentials: ClientCredentials,
): EmulatorApp | { code: number } {
  const app = runtime.findApp(credentials.clientId);
  if (!app) return { code: 20048 };
  if (app.appSecret !== credentials.clientSecret) return { code: 20002 };
  if (!app.enabled) return { code: 20069 };
  return app;
}

/** The user-token grants both endpoints serve: a code exchange or a refresh. */
export function runUserTokenGrant(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
  request: TokenRequest<'authorization_code' | 'refresh_token'>,
  origin: 'v2' | 'v3',
): GrantResult {
  return request.grant === 'authorization_code'
    ? exchangeAuthorizationCode(runtime, ctx, request.app, origin)
    : refreshUserToken(runtime, ctx, request.app, origin);
}

/** A grant's answer: the token body uncached on 200, or the OAuth error of its code. */
export function sendGrantResult(ctx: RequestContext, result: GrantResult): void {
  if (result.ok)
    sendJson(ctx.response, 200, result.body, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  else sendOAuthError(ctx.response, result.code);
}

/** The stats suffix of a grant type; unknown or odd values collapse to `unsupported`. */
export function grantKey(ctx: RequestContext, known: readonly string[]): string {
  const grant = stringField(ctx.body, 'grant_type');
  if (grant === undefined) return 'missing_grant_type';
  return known.includes(grant) ? grant : 'unsupported';
}
