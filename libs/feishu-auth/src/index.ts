export type { FeishuProfile } from './interfaces/feishu-profile.interface.js';
export type {
  FeishuAuthModuleOptions,
  FeishuDomain,
  FeishuEncryptionOptions,
  FeishuEventOptions,
  FeishuHttpOptions,
  FeishuRefreshOptions,
  FeishuSessionOptions,
  FeishuTokenEndpoint,
  FeishuTokenRefreshEvent,
  FeishuTokenRefreshFailedEvent,
} from './interfaces/feishu-auth-module-options.interface.js';
export {
  FeishuTokenStore,
  type FeishuCachedToken,
  type FeishuLoginState,
  type FeishuSessionRecord,
  type FeishuTokenIssuer,
  type FeishuUserTokenRecord,
} from './interfaces/feishu-token-store.interface.js';
export { FEISHU_STRATEGY_NAME } from './feishu-auth.constants.js';
export {
  FeishuApiError,
  FeishuConfigError,
  FeishuReauthRequiredError,
  FeishuStoreUnavailableError,
  type FeishuApiErrorDetails,
  type FeishuErrorKind,
} from './feishu-auth.errors.js';
