import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { FeishuAuthModule } from '@feishu-auth/nestjs';
import { ApiController } from './api.controller.js';
import { AuthController } from './auth.controller.js';
import type { DemoSettings } from './demo.settings.js';
import { HomeController } from './home.controller.js';
import { InAppController } from './in-app.controller.js';
import { OpenApiSampleService } from './open-api-sample.service.js';
import { TokenStatusReader } from './token-status.reader.js';
import { StatusController } from './status.controller.js';
import { TokenActivity, TokenActivityModule } from './token-activity.module.js';

/**
 * The demo application. `register` receives the settings `startDemo` resolved (real Feishu, or
 * the embedded emulator it started) and exposes them as the `demo` configuration namespace;
 * `extraImports` are added as they are (`main.ts`: the rate limits).
 */
@Module({})
export class AppModule {
  static register(
    settings: DemoSettings,
    extraImports: NonNullable<ModuleMetadata['imports']> = [],
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [() => ({ demo: settings })],
        }),
        TokenActivityModule,
        FeishuAuthModule.forRootAsync({
          imports: [ConfigModule, TokenActivityModule],
          inject: [ConfigService, TokenActivity],
          useFactory: (config: ConfigService, activity: TokenActivity) => {
            const demo = config.getOrThrow<DemoSettings>('demo');
            return {
              appId: demo.appId,
              appSecret: demo.appSecret,
              domain: demo.domain,
              redirectUri: demo.redirectUri,
              failureRedirect: '/',
              session: { secret: demo.sessionSecret, secure: demo.secureCookie },
              refresh: demo.refresh,
              onTokenRefreshed: (event) => activity.refreshed(event),
              onTokenRefreshFailed: (event) => activity.failed(event),
            };
          },
        }),
        ...extraImports,
      ],
      controllers: [
        HomeController,
        AuthController,
        InAppController,
        ApiController,
        StatusController,
      ],
      providers: [OpenApiSampleService, TokenStatusReader],
    };
  }
}
