import { USER_TOKEN_NOT_SUPPORTED } from '../emulator.messages.js';
import type { EmulatorRuntime } from '../emulator.runtime.js';
import type { TokenRecord } from '../state/token-registry.js';
import { bearerToken, type RequestContext } from './request-context.js';
import { sendFeishuError } from './responses.js';

/** Which token an OpenAPI accepts (legacy OIDC checks its app token itself: oidc-v1.endpoint.ts). */
export type TokenAudience = 'user' | 'tenant';

/**
 * The OpenAPI gateway (rule 14): HTTP 400 with 99991661 (no Bearer token), 99991663 (bad tenant
 * token, or a tenant token on a user API), 99991668 (bad user token, or a
 * user token on a tenant API), 99991677 (expired user token). Answers and returns undefined on failure.
 */
export function authenticateGateway(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
  audience: TokenAudience,
): TokenRecord | undefined {
  const token = bearerToken(ctx.request);
  if (token === undefined) return reject(ctx, 99991661);
  const record = runtime.tokens.get(token);
  const now = runtime.clock.now();
  const usable = record !== undefined && record.state === 'live' && now < record.expiresAt;
  switch (audience) {
    case 'user':
      if (record?.kind === 'tenant' || record?.kind === 'app') return reject(ctx, 99991663);
      if (record?.kind !== 'user_access' || record.state !== 'live') return reject(ctx, 99991668);
      if (!usable) return reject(ctx, 99991677);
      return record;
    case 'tenant':
      if (record?.kind === 'user_access' || record?.kind === 'user_refresh') {
        return reject(ctx, 99991668, USER_TOKEN_NOT_SUPPORTED);
      }
      if (record?.kind !== 'tenant' || !usable) return reject(ctx, 99991663);
      return record;
  }
}

function reject(ctx: RequestContext, code: number, msg?: string): undefined {
  sendFeishuError(ctx.response, 400, code, msg);
  return undefined;
}
