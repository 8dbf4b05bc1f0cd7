import type { EmulatorApp, EmulatorUser } from '../emulator.options.js';
import type { EmulatorRuntime, Route } from '../emulator.runtime.js';
import { type RequestContext } from '../http/request-context.js';
import { sendHtml, sendRedirect } from '../http/responses.js';
import { splitScopes } from '../oauth/scopes.js';
import type { CodeChallengeMethod } from '../state/authorization-codes.js';
import { renderConsentPage, renderErrorPage } from './consent.page.js';

export const AUTHORIZE_PATH = '/open-apis/authen/v1/authorize';
const MAX_SCOPES = 50;

interface AuthorizeRequest {
  app: EmulatorApp;
  redirectUri: string;
  scopes: string[];
  state?: string;
  codeChallenge?: string;
  codeChallengeMethod?: CodeChallengeMethod;
}

type Validation =
  | { ok: true; request: AuthorizeRequest }
  | { ok: false; status: number; code: number; message: string };

/** `GET /open-apis/authen/v1/authorize`: the consent page, or an immediate redirect with `login_hint`. */
export const authorizeRoute: Route = {
  method: 'GET',
  pattern: AUTHORIZE_PATH,
  shape: 'feishu',
  requiresWellFormedBody: false,
  badBodyCode: 9499,
  statsKey: () => 'authorize',
  rateLimitSubject: (ctx) => ctx.query.get('client_id') ?? '',
  handle: (ctx, runtime) => {
    const request = validRequestOrErrorPage(ctx, ctx.query, runtime);
    if (!request) return;
    const loginHint = ctx.query.get('login_hint');
    if (loginHint) {
      approve(ctx, runtime, request, loginHint);
      return;
    }
    const { app } = request;
    const users = runtime.users.filter((user) => app.tenantKeys.includes(user.tenantKey));
    sendHtml(
      ctx.response,
      200,
      renderConsentPage(
        AUTHORIZE_PATH,
        app,
        users.map((user) => ({ user, openId: runtime.openIdIn(app.appId, user) })),
        ctx.query,
        request.scopes,
      ),
    );
  },
};

/** The consent form's POST: approve or deny, then redirect back to the app. Not counted in stats. */
export const consentRoute: Route = {
  method: 'POST',
  pattern: AUTHORIZE_PATH,
  shape: 'feishu',
  requiresWellFormedBody: true,
  badBodyCode: 9499,
  statsKey: () => '',
  handle: (ctx, runtime) => {
    const fields = new URLSearchParams();
    for (const [name, value] of Object.entries(ctx.body)) {
      if (typeof value === 'string') fields.set(name, value);
    }
    const request = validRequestOrErrorPage(ctx, fields, runtime);
    if (!request) return;
    if (fields.get('decision') !== 'approve') {
      sendRedirect(
        ctx.response,
        withQuery(request.redirectUri, { error: 'access_denied', state: request.state }),
      );
      return;
    }
    approve(ctx, runtime, request, fields.get('open_id') ?? '');
  },
};

/** The authorize request the parameters make, or undefined once the error page is sent. */
function validRequestOrErrorPage(
  ctx: RequestContext,
  params: URLSearchParams,
  runtime: EmulatorRuntime,
): AuthorizeRequest | undefined {
  const validation = validateAuthorizeRequest(params, runtime);
  if (validation.ok) return validation.request;
  sendHtml(ctx.response, validation.status, renderErrorPage(validation.code, validation.message));
  return undefined;
}

function approve(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
  request: AuthorizeRequest,
  openId: string,
): void {
  const user = findChosenUser(runtime, request.app, openId);
  if (!user) {
    sendHtml(ctx.response, 400, renderErrorPage(20008, 'The user does not exist.'));
    return;
  }
  if (!request.app.tenantKeys.includes(user.tenantKey)) {
    sendHtml(
      ctx.response,
      403,
      renderErrorPage(20010, 'The user does not have permission to use this app.'),
    );
    return;
  }
  const now = runtime.clock.now();
  const code = runtime.codes.issue({
    appId: request.app.appId,
    userKey: user.openId,
    tenantKey: user.tenantKey,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    codeChallengeMethod: request.codeChallengeMethod,
    requestedScopes: request.scopes,
    issuedAt: now,
    expiresAt: now + runtime.options.tokenLifetimes.code * 1000,
  });
  sendRedirect(
    ctx.response,
    withQuery(request.redirectUri, { code: code.code, state: request.state }),
  );
}

/**
 * The user a `login_hint` or the consent form names by its open_id in the app being authorized;
 * the default app's open_id (`EmulatorUser.openId`) is accepted too, so tests need not translate.
 */
function findChosenUser(
  runtime: EmulatorRuntime,
  app: EmulatorApp,
  openId: string,
): EmulatorUser | undefined {
  return runtime.findUserInApp(app.appId, openId) ?? runtime.findUser(openId);
}

/** Checklist rules 3–5; every failure is shown on the page, never redirected. */
export function validateAuthorizeRequest(
  query: URLSearchParams,
  runtime: EmulatorRuntime,
): Validation {
  const clientId = query.get('client_id');
  if (!clientId) return refuse(400, 20001, 'client_id is required.');
  const app = runtime.findApp(clientId);
  if (!app) return refuse(400, 20048, 'The specified app does not exist.');
  if (!app.enabled) return refuse(400, 20069, 'The specified app is not enabled.');
  const redirectUri = query.get('redirect_uri');
  if (!redirectUri) return refuse(400, 20001, 'redirect_uri is required.');
  if (!app.redirectUris.includes(redirectUri)) {
    return refuse(400, 20029, 'The redirect_uri is not registered for this app.');
  }
  if (query.get('response_type') !== 'code')
    return refuse(400, 20001, 'response_type must be "code".');
  const scopes = splitScopes(query.get('scope') ?? undefined);
  if (scopes.length > MAX_SCOPES)
    return refuse(400, 20063, `At most ${MAX_SCOPES} scopes may be requested.`);
  // offline_access is not refused when the app lacks it: it is simply not granted, so the token
  // answer has no refresh_token (what a library that always requests it must cope with).
  const disabled = scopes.filter(
    (scope) => !app.scopes.includes(scope) && scope !== OFFLINE_ACCESS,
  );
  if (disabled.length > 0) {
    return refuse(400, 20027, `These scopes are not enabled for the app: ${disabled.join(' ')}`);
  }
  const codeChallenge = query.get('code_challenge') || undefined;
  const method = query.get('code_challenge_method') || 'plain';
  if (method !== 'S256' && method !== 'plain') {
    return refuse(400, 20063, 'code_challenge_method must be S256 or plain.');
  }
  return {
    ok: true,
    request: {
      app,
      redirectUri,
      scopes: [...new Set(scopes)].filter((scope) => app.scopes.includes(scope)),
      state: query.get('state') ?? undefined,
      codeChallenge,
      codeChallengeMethod: codeChallenge ? method : undefined,
    },
  };
}

function refuse(status: number, code: number, message: string): Validation {
  return { ok: false, status, code, message };
}

/** Adds query parameters before any `#fragment`; undefined values are left out. */
export function withQuery(uri: string, params: Record<string, string | undefined>): string {
  const hashAt = uri.indexOf('#');
  const base = hashAt < 0 ? uri : uri.slice(0, hashAt);
  const fragment = hashAt < 0 ? '' : uri.slice(hashAt);
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) search.set(name, value);
  const separator = base.includes('?')
    ? base.endsWith('?') || base.endsWith('&')
      ? ''
      : '&'
    : '?';
  return `${base}${separator}${search.toString()}${fragment}`;
}

const OFFLINE_ACCESS = 'offline_access';
