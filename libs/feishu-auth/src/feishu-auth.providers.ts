import type { Provider } from '@nestjs/common';
import { FEISHU_AUTH_OPTIONS } from './feishu-auth.constants.js';
import { FEISHU_AUTH_MODULE_OPTIONS } from './feishu-auth.module-definition.js';
import { type ResolvedFeishuAuthOptions, resolveFeishuAuthOptions } from './feishu-auth.options.js';
import { FeishuHttpClient } from './http/feishu-http.client.js';
import type { FeishuAuthModuleOptions } from './interfaces/feishu-auth-module-options.interface.js';
import { FeishuTokenStore } from './interfaces/feishu-token-store.interface.js';
import { FeishuAppAuthClient } from './oauth/feishu-app-auth.client.js';
import { FeishuOAuthClient } from './oauth/feishu-oauth.client.js';
import { FEISHU_APP_ACCESS_TOKEN_SOURCE } from './oauth/app-access-token.source.js';
import { AppTokenManager } from './services/app-token.manager.js';
import { FeishuClient } from './services/feishu.client.js';
import { ManagedTokens } from './services/managed-tokens.js';
import { TokenRefreshScheduler } from './services/token-refresh.scheduler.js';
import { TokenRefresher } from './services/token-refresher.js';
import { TokenStatusTracker } from './services/token-status.tracker.js';
import { TokenService } from './services/token.service.js';
import { UserTokenManager } from './services/user-token.manager.js';
import { UserTokenWriter } from './services/user-token.writer.js';
import { EncryptingTokenStore } from './storage/encrypting-token.store.js';
import { InMemoryTokenStore } from './storage/in-memory-token.store.js';
import { FeishuEventHandler } from './events/feishu-event.handler.js';

/** The options given to `forRoot` / `forRootAsync`, validated once at boot. */
const resolvedOptionsProvider: Provider = {
  provide: FEISHU_AUTH_OPTIONS,
  useFactory: (options: FeishuAuthModuleOptions) => resolveFeishuAuthOptions(options),
  inject: [FEISHU_AUTH_MODULE_OPTIONS],
};

/** The configured store (default in memory), wrapped for encryption at rest when configured. */
const tokenStoreProvider: Provider = {
  provide: FeishuTokenStore,
  useFactory: (options: ResolvedFeishuAuthOptions): FeishuTokenStore => {
    const store = options.store ?? new InMemoryTokenStore({ clock: options.clock });
    return options.encryption ? new EncryptingTokenStore(store, options.encryption) : store;
  },
  inject: [FEISHU_AUTH_OPTIONS],
};

/**
 * The core providers of `FeishuAuthModule`: options, store, HTTP and OAuth clients, token
 * management and the proactive refresh. Login, session and guard providers are listed beside.
 */
export const FEISHU_AUTH_CORE_PROVIDERS: Provider[] = [
  resolvedOptionsProvider,
  tokenStoreProvider,
  FeishuHttpClient,
  FeishuOAuthClient,
  FeishuAppAuthClient,
  TokenStatusTracker,
  TokenRefresher,
  AppTokenManager,
  { provide: FEISHU_APP_ACCESS_TOKEN_SOURCE, useExisting: AppTokenManager },
  UserTokenWriter,
  UserTokenManager,
  TokenService,
  ManagedTokens,
  FeishuClient,
  TokenRefreshScheduler,
  FeishuEventHandler,
];

/** What the core makes injectable in the consumer's modules. */
export const FEISHU_AUTH_CORE_EXPORTS = [
  FEISHU_AUTH_OPTIONS,
  FeishuTokenStore,
  FeishuHttpClient,
  FeishuOAuthClient,
  TokenService,
  ManagedTokens,
  FeishuClient,
  FeishuEventHandler,
];
