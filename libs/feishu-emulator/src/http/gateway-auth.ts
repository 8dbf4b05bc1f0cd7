import { USER_TOKEN_NOT_SUPPORTED } from '../emulator.messages.js';
import type { EmulatorRuntime } from '../emulator.runtime.js';
import type { TokenRecord } from '../state/token-registry.js';
import { bearerToken, type RequestContext } from './request-context.js';
import { sendFeishuError } from './responses.js';

/** Which token an OpenAPI accepts (legacy OIDC checks its app token itself: oidc-v1.endpoint.ts). */
export type TokenAudience = 'user' | 'tenant';

/**
 * The OpenAPI gateway (rule 14): HTTP 400 with 99991661 (no Bearer token), 99991663 (bad tenant
 * token, or a tenant token on a user-only API), 99991668 (bad user token, or a user token on a
 * tenant-only API), 99991677 (expired user token). Answers and returns undefined on failure.
 */
export function authenticateGateway(
  ctx: RequestContext,
  runtime: EmulatorRuntime,
  accepted: TokenAudience | readonly TokenAudience[],
): TokenRecord | undefined {
  const audiences: readonly TokenAudience[] = typeof accepted === 'string' ? [accepted] : accepted;
  const token = bearerToken(ctx.request);
  if (token === undefined) return reject(ctx, 99991661);
  const record = runtime.tokens.get(token);
  const usable =
    record !== undefined && record.state === 'live' && runtime.clock.now() < record.expiresAt;
  if (record?.kind === 'user_access' || record?.kind === 'user_refresh') {
    if (!audiences.includes('user')) return reject(ctx, 99991668, USER_TOKEN_NOT_SUPPORTED);
    if (record.kind !== 'user_access' || record.state !== 'live') return reject(ctx, 99991668);
    return usable ? record : reject(ctx, 99991677);
  }
  if (record?.kind === 'tenant' && usable && audiences.includes('tenant')) return record;
  // An unknown token, a dead tenant token, an app token, or a tenant token on a user-only API.
  return reject(ctx, audiences.includes('tenant') || record !== undefined ? 99991663 : 99991668);
}

function reject(ctx: RequestContext, code: number, msg?: string): undefined {
  sendFeishuError(ctx.response, 400, code, msg);
  return undefined;
}
