import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ScheduleModule } from '@nestjs/schedule';
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
 * Global by default (`isGlobal: false` to opt out). Brings Passport and the scheduler itself.
 *
 * @publicApi
 */
@Module({
  // ScheduleModule.forRoot() is harmless when the app imports it too: Nest dedupes the module by
  // its token, so one SchedulerRegistry and one orchestrator serve both.
  imports: [PassportModule, ScheduleModule.forRoot()],
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
