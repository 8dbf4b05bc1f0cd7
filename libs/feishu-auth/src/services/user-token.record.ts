import type { FeishuUserTokenRecord } from '../interfaces/feishu-token-store.interface.js';
import type { FeishuUserTokenSet } from '../oauth/feishu-oauth.client.js';

/**
 * The record to store for a user's tokens, as a grant answered them at `now`. `previous` is the
 * record a refresh replaces: should the answer omit the refresh token (Feishu always rotates), the
 * old one is still the latest; `updatedAt` always moves forward, so a waiting instance sees it.
 */
export function userTokenRecordOf(
  owner: { appId: string; openId: string; tenantKey: string },
  tokens: FeishuUserTokenSet,
  now: number,
  previous?: FeishuUserTokenRecord,
): FeishuUserTokenRecord {
  const rotated = tokens.refreshToken !== undefined;
  const refreshTokenExpiresAt =
    tokens.refreshTokenExpiresIn === undefined
      ? undefined
      : now + tokens.refreshTokenExpiresIn * 1000;
  return {
    ...owner,
    accessToken: tokens.accessToken,
    accessTokenExpiresAt: now + tokens.expiresIn * 1000,
    refreshToken: rotated ? tokens.refreshToken : previous?.refreshToken,
    refreshTokenExpiresAt: rotated ? refreshTokenExpiresAt : previous?.refreshTokenExpiresAt,
    scope: tokens.scope ?? previous?.scope,
    issuer: tokens.issuer,
    updatedAt: Math.max(now, (previous?.updatedAt ?? 0) + 1),
  };
}
