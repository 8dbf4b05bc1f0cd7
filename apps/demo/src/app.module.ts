import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { FeishuAuthModule } from '@feishu-auth/nestjs';
import { ApiController } from './api.controller.js';
import { AuthController } from './auth.controller.js';
import type { DemoSettings } from './demo.settings.js';
import { HomeController } from './home.controller.js';
import { OpenApiSampleService } from './open-api-sample.service.js';
import { TokenStatusReader } from './token-status.reader.js';
import { StatusController } from './status.controller.js';

/**
 * The demo application. `register` receives the settings `startDemo` resolved (real Feishu, or
 * the embedded emulator it started) and exposes them as the `demo` configuration namespace.
 */
@Module({})
export class AppModule {
  static register(settings: DemoSettings): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [() => ({ demo: settings })],
        }),
        FeishuAuthModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => {
            const demo = config.getOrThrow<DemoSettings>('demo');
            return {
              appId: demo.appId,
              appSecret: demo.appSecret,
              domain: demo.domain,
              redirectUri: demo.redirectUri,
              failureRedirect: '/',
              session: { secret: demo.sessionSecret, secure: demo.secureCookie },
              refresh: demo.refresh,
            };
          },
        }),
      ],
      controllers: [HomeController, AuthController, ApiController, StatusController],
      providers: [OpenApiSampleService, TokenStatusReader],
    };
  }
}
