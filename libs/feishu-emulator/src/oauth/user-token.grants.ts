import type { EmulatorApp, EmulatorUser } from '../emulator.options.js';
import type { EmulatorRuntime } from '../emulator.runtime.js';
import { stringField, type RequestContext } from '../http/request-context.js';
import type { TokenOrigin, TokenRecord } from '../state/token-registry.js';
import { mintJwtLikeToken } from '../state/token-factory.js';
import { verifyPkce } from './pkce.js';
import { narrowScopes } from './scopes.js';

export type GrantResult = { ok: true; body: Record<string, unknown> } | { ok: false; code: number };

export const REFRESH_CAP_MS = 365 * 24 * 3600 * 1000;
const GRACE_AFTER_REFRESH_MS = 60_000;

/** A grant of the v2/v3 token endpoints, on a request whose app is already authenticated. */
export type UserTokenGrant = (
  runtime: EmulatorRuntime,
  ctx: RequestContext,
  app: EmulatorApp,
  origin: 'v2' | 'v3',
) => GrantResult;

const fail = (code: number): GrantResult => ({ ok: false, code });

/** 20008 unknown user, 20010 not in a tenant that installed the app, 20066 deactivated. */
export function checkUserAvailability(
  runtime: EmulatorRuntime,
  app: EmulatorApp,
  userKey: string | undefined,
): EmulatorUser | { code: number } {
  const user = runtime.findUser(userKey);
  if (!user) return { code: 20008 };
  if (!app.tenantKeys.includes(user.tenantKey)) return { code: 20010 };
  if (user.status === 'deactivated') return { code: 20066 };
  return user;
}

/** grant_type=authorization_code, rules 7–9 (v3 also rejects a verifier nobody asked for). */
export const exchangeAuthorizationCode: UserTokenGrant = (runtime, ctx, app, origin) => {
  const now = runtime.clock.now();
  const code = runtime.codes.get(stringField(ctx.body, 'code') ?? '');
  if (!code) return fail(20003);
  if (code.usedAt !== undefined) return fail(20065);
  if (now >= code.expiresAt) return fail(20004);
  if (code.appId !== app.appId) return fail(20024);
  const redirectUri = stringField(ctx.body, 'redirect_uri');
  if (
    redirectUri !== undefined &&
    code.redirectUri !== undefined &&
    redirectUri !== code.redirectUri
  ) {
    return fail(20071);
  }
  const verifier = stringField(ctx.body, 'code_verifier');
  if (code.codeChallenge !== undefined) {
    if (verifier === undefined) return fail(20049);
    if (!verifyPkce(verifier, code.codeChallenge, code.codeChallengeMethod ?? 'plain'))
      return fail(20049);
  } else if (verifier !== undefined && origin === 'v3') {
    return fail(20049);
  }
  const user = checkUserAvailability(runtime, app, code.userKey);
  if ('code' in user) return fail(user.code);
  const narrowed = narrowScopes(stringField(ctx.body, 'scope'), code.scopes);
  if ('code' in narrowed) return fail(narrowed.code);
  // Marked in the same tick as the checks: of two concurrent exchanges exactly one wins.
  code.usedAt = now;
  return {
    ok: true,
    body: issueUserTokens(runtime, {
      app,
      userKey: code.userKey,
      tenantKey: code.tenantKey,
      grantedScopes: code.scopes,
      scopes: narrowed.scopes,
      authorizedAt: code.authorizedAt,
      origin,
    }),
  };
};

/** grant_type=refresh_token, rules 11–12. */
export const refreshUserToken: UserTokenGrant = (runtime, ctx, app, origin) => {
  const now = runtime.clock.now();
  if (!app.refreshEnabled) return fail(20074);
  const record = runtime.tokens.get(stringField(ctx.body, 'refresh_token') ?? '');
  if (!record || record.kind !== 'user_refresh' || record.state === 'invalidated')
    return fail(20026);
  // Only refresh tokens of the v2/v3 endpoints are accepted here; v1 `ur-` ones are not.
  if (record.origin === 'v1') return fail(20026);
  if (record.appId !== app.appId) return fail(20024);
  if (record.state === 'rotated') return fail(runtime.options.reusedRefreshTokenCode);
  if (record.state === 'revoked') return fail(20064);
  if (now >= record.expiresAt || now >= record.authorizedAt + REFRESH_CAP_MS) return fail(20037);
  const user = checkUserAvailability(runtime, app, record.userKey);
  if ('code' in user) return fail(user.code);
  const narrowed = narrowScopes(stringField(ctx.body, 'scope'), record.grantedScopes);
  if ('code' in narrowed) return fail(narrowed.code);
  rotate(runtime, record, now);
  return {
    ok: true,
    body: issueUserTokens(runtime, {
      app,
      userKey: user.openId,
      tenantKey: record.tenantKey ?? user.tenantKey,
      grantedScopes: record.grantedScopes,
      scopes: narrowed.scopes,
      authorizedAt: record.authorizedAt,
      origin,
    }),
  };
};

function rotate(runtime: EmulatorRuntime, record: TokenRecord, now: number): void {
  record.state = 'rotated';
  const previous = record.pairedAccessToken
    ? runtime.tokens.get(record.pairedAccessToken)
    : undefined;
  if (!previous || previous.state !== 'live') return;
  switch (runtime.options.oldAccessTokenAfterRefresh) {
    case 'revoke':
      previous.state = 'revoked';
      break;
    case 'grace-60s':
      previous.expiresAt = Math.min(previous.expiresAt, now + GRACE_AFTER_REFRESH_MS);
      break;
    case 'valid-until-expiry':
      break;
  }
}

export interface IssueUserTokens {
  app: EmulatorApp;
  userKey: string;
  tenantKey: string;
  grantedScopes: string[];
  scopes: string[];
  authorizedAt: number;
  origin: TokenOrigin;
}

/** The success body of v2/v3: top-level fields, a refresh token only with offline_access. */
export function issueUserTokens(
  runtime: EmulatorRuntime,
  init: IssueUserTokens,
): Record<string, unknown> {
  const now = runtime.clock.now();
  const lifetimes = runtime.options.tokenLifetimes;
  const accessExpiresAt = now + lifetimes.accessToken * 1000;
  const claims = {
    app_id: init.app.appId,
    iat: Math.floor(now / 1000),
    exp: Math.floor(accessExpiresAt / 1000),
  };
  // What the access token and its refresh token both record.
  const pair = {
    origin: init.origin,
    appId: init.app.appId,
    tenantKey: init.tenantKey,
    userKey: init.userKey,
    scopes: init.scopes,
    grantedScopes: init.grantedScopes,
    issuedAt: now,
    authorizedAt: init.authorizedAt,
  };
  const access = runtime.tokens.add({
    ...pair,
    token: mintJwtLikeToken({ ...claims, typ: 'user_access_token' }),
    kind: 'user_access',
    expiresAt: accessExpiresAt,
  });
  const body: Record<string, unknown> = {
    code: 0,
    access_token: access.token,
    expires_in: lifetimes.accessToken,
    token_type: 'Bearer',
    scope: init.scopes.join(' '),
  };
  if (init.scopes.includes('offline_access') && init.app.scopes.includes('offline_access')) {
    const refreshExpiresAt = Math.min(
      now + lifetimes.refreshToken * 1000,
      init.authorizedAt + REFRESH_CAP_MS,
    );
    const refresh = runtime.tokens.add({
      ...pair,
      token: mintJwtLikeToken({
        ...claims,
        exp: Math.floor(refreshExpiresAt / 1000),
        typ: 'refresh_token',
      }),
      kind: 'user_refresh',
      expiresAt: refreshExpiresAt,
      pairedAccessToken: access.token,
    });
    body.refresh_token = refresh.token;
    body.refresh_token_expires_in = Math.max(0, Math.floor((refreshExpiresAt - now) / 1000));
  }
  return body;
}
