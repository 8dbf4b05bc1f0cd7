import type { FeishuTokenEndpoint } from './feishu-auth-module-options.interface.js';

/** Which token endpoint family issued a user's refresh token; it must be refreshed on the same one. */
export type FeishuTokenIssuer = FeishuTokenEndpoint;

/**
 * One user's tokens, held by one app. Keyed by `appId` and `openId`: apps sharing a store never
 * read, replace or delete each other's users, whatever their open_ids. `accessToken` and
 * `refreshToken` are opaque to the store.
 *
 * @publicApi
 */
export interface FeishuUserTokenRecord {
  /** The app that holds these tokens (and whose app secret refreshes them). */
  appId: string;
  openId: string;
  tenantKey: string;
  accessToken: string;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number;
  /** Absent when the app lacks `offline_access`: the user must log in again when the token expires. */
  refreshToken?: string;
  /** Epoch milliseconds. */
  refreshTokenExpiresAt?: number;
  scope?: string;
  issuer: FeishuTokenIssuer;
  /** Epoch milliseconds of the last write; lets a waiting instance see that another one refreshed. */
  updatedAt: number;
}

/**
 * What `setUserToken` may resolve to. A store that replicates answers `{ replicated: false }` when
 * it kept the record on its primary but no replica confirmed it in time: a failover now would bring
 * back the refresh token Feishu has just retired, so the library reports it. Other stores resolve
 * nothing (or `{ replicated: true }`).
 *
 * @publicApi
 */
export interface FeishuUserTokenWrite {
  replicated: boolean;
}

/**
 * Store role: each signed-in user's access and refresh tokens. Feishu retires a refresh token when
 * it is used, so the record written after a refresh is the only copy of the user's grant.
 *
 * @publicApi
 */
export interface FeishuUserTokenStore {
  /** The user's record held by `appId`; another app's record of the same open_id is not it. */
  getUserToken(appId: string, openId: string): Promise<FeishuUserTokenRecord | undefined>;
  /**
   * Writes the record under its `appId` and `openId`; it expires after `ttlSeconds` (the refresh
   * token's remaining life). A replicating store confirms the write reached a replica before it
   * resolves, and says when it could not (see `FeishuUserTokenWrite`).
   */
  setUserToken(
    record: FeishuUserTokenRecord,
    ttlSeconds: number,
  ): Promise<void | FeishuUserTokenWrite>;
  deleteUserToken(appId: string, openId: string): Promise<void>;
}
