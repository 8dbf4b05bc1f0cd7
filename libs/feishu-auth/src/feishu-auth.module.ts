import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigurableModuleClass } from './feishu-auth.module-definition.js';
import { FEISHU_AUTH_CORE_EXPORTS, FEISHU_AUTH_CORE_PROVIDERS } from './feishu-auth.providers.js';
import {
  FEISHU_AUTH_LOGIN_EXPORTS,
  FEISHU_AUTH_LOGIN_PROVIDERS,
} from './feishu-auth-login.providers.js';
import { FeishuTokenStore } from './interfaces/feishu-token-store.interface.js';

/**
 * Feishu / Lark login, sessions and always-valid app, tenant and user tokens.
 *
 * ```ts
 * FeishuAuthModule.forRoot({ appId, appSecret, redirectUri, session: { secret } })
 * FeishuAuthModule.forRootAsync({ inject: [ConfigService], useFactory: (config) => ({ ... }) })
 * ```
 * Global by default (`isGlobal: false` to opt out): its providers are injectable everywhere.
 * It imports no other module: no `ScheduleModule.forRoot()` (the token refresh runs on its own
 * timer), no `PassportModule` (the login guard keeps its own Passport instance), so nothing of the
 * host app's (scheduled jobs, Passport strategies) runs twice or changes.
 *
 * @publicApi
 */
@Module({
  providers: [...FEISHU_AUTH_CORE_PROVIDERS, ...FEISHU_AUTH_LOGIN_PROVIDERS],
  exports: [...FEISHU_AUTH_CORE_EXPORTS, ...FEISHU_AUTH_LOGIN_EXPORTS],
})
export class FeishuAuthModule extends ConfigurableModuleClass implements OnApplicationShutdown {
  constructor(@Inject(FeishuTokenStore) private readonly store: FeishuTokenStore) {
    super();
  }

  /** Runs after the module's providers shut down (the scheduler has stopped): frees the store. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close?.();
  }
}
