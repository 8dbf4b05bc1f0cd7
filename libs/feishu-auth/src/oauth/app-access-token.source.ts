/**
 * Where `FeishuOAuthClient` gets the app_access_token that the legacy v1 OIDC endpoints require.
 * `AppTokenManager` provides it; the client names only this role, so the client layer never
 * imports the token services above it.
 */
export interface FeishuAppAccessTokenSource {
  getAppAccessToken(): Promise<string>;
  /** Forgets `token` after Feishu refused it, unless another caller has already replaced it. */
  dropAppAccessToken(token: string): Promise<void>;
}

/** Injection token of the `FeishuAppAccessTokenSource` (bound to `AppTokenManager`). */
export const FEISHU_APP_ACCESS_TOKEN_SOURCE = Symbol('FEISHU_APP_ACCESS_TOKEN_SOURCE');
