export type { FeishuProfile } from './interfaces/feishu-profile.interface.js';
// The options, in the order of their declaration.
export type {
  FeishuAuthModuleOptions,
  FeishuDomain,
  FeishuTokenEndpoint,
  FeishuTenantTokenOptions,
  FeishuSessionOptions,
  FeishuHttpOptions,
  FeishuRefreshOptions,
  FeishuEncryptionOptions,
  FeishuEventOptions,
  FeishuTokenRefreshEvent,
  FeishuTokenRefreshFailedEvent,
  FeishuStrangerBudgetOptions,
} from './interfaces/feishu-auth-module-options.interface.js';
export {
  FeishuTokenStore,
  type FeishuAppTicketStore,
  type FeishuCachedToken,
  type FeishuEventClaimStore,
  type FeishuLockStore,
  type FeishuRefreshSchedule,
  type FeishuSessionRecord,
  type FeishuSessionStore,
  type FeishuTokenCache,
  type FeishuTokenIssuer,
  type FeishuUserTokenRecord,
  type FeishuUserTokenStore,
  type FeishuUserTokenWrite,
} from './interfaces/feishu-token-store.interface.js';
export { FeishuAuthModule } from './feishu-auth.module.js';
export { FEISHU_AUTH_DEFAULTS } from './options/feishu-auth.defaults.js';
export type { FeishuAuthModuleExtras } from './feishu-auth.module-definition.js';
export { TokenService } from './services/token.service.js';
export { TokenRefreshScheduler } from './services/token-refresh.scheduler.js';
export type { FeishuTokenKind, FeishuTokenStatus } from './services/token-status.tracker.js';
export { FeishuClient, type FeishuRequestOptions } from './services/feishu.client.js';
export type { FeishuTokenRef } from './services/managed-tokens.js';
export {
  FeishuEventHandler,
  type FeishuEventAck,
  type FeishuEventHeaders,
} from './events/feishu-event.handler.js';
export { FeishuEventsController } from './events/feishu-events.controller.js';
export {
  toFeishuHttpException,
  type FeishuHttpExceptionOptions,
} from './feishu-auth.http-errors.js';
export {
  FeishuOAuthClient,
  type FeishuUserTokenSet,
  type ExchangeCodeInput,
} from './oauth/feishu-oauth.client.js';
export {
  FeishuApiError,
  FeishuAppTicketUnavailableError,
  FeishuAuthError,
  FeishuBudgetExceededError,
  FeishuConfigError,
  FeishuEventRejectedError,
  FeishuReauthRequiredError,
  FeishuStoreUnavailableError,
  FeishuTenantKeyRequiredError,
  FeishuTokenRefError,
  type FeishuApiErrorDetails,
  type FeishuErrorKind,
} from './feishu-auth.errors.js';
export { FeishuRefreshLockTimeoutError } from './services/refresh-lock-timeout.error.js';
export {
  InMemoryTokenStore,
  type InMemoryTokenStoreOptions,
} from './storage/in-memory-token.store.js';
export { RedisTokenStore } from './storage/redis-token.store.js';
export type {
  RedisTokenStoreClient,
  RedisTokenStoreNode,
  RedisTokenStoreOptions,
  RedisTokenStorePipeline,
} from './storage/redis-token-store.client.js';
export { EncryptingTokenStore } from './storage/encrypting-token.store.js';
export { FeishuSessionService } from './session/feishu-session.service.js';
export { type FeishuSessionReference } from './session/session-reference.cache.js';
export type { FeishuSessionToken } from './interfaces/feishu-session-token.interface.js';
export { FeishuLoginGuard } from './guards/feishu-login.guard.js';
export { FeishuLoginException } from './strategies/feishu-login.exception.js';
export { FeishuCodeGuard } from './guards/feishu-code.guard.js';
export { FeishuAuthGuard } from './guards/feishu-auth.guard.js';
// A FeishuAuthGuard subclass with a constructor of its own passes it to super().
export { FeishuBearerAuthenticator } from './guards/feishu-bearer.authenticator.js';
export type {
  FeishuAuthContext,
  FeishuAuthenticatedRequest,
} from './interfaces/feishu-auth-request.interface.js';
export type { FeishuHttpRequest, FeishuHttpResponse } from './http/feishu-http.adapter.js';
export { FeishuUser } from './decorators/feishu-user.decorator.js';
export { UserAccessToken } from './decorators/user-access-token.decorator.js';
export { TenantAccessToken } from './decorators/tenant-access-token.decorator.js';
export type { FeishuLoginFailureReason } from './strategies/feishu-login.messages.js';
