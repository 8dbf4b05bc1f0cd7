import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { FeishuAuthModule } from '@feishu-auth/nestjs';
import { AuthController } from './auth.controller.js';
import { MeController } from './me.controller.js';

@Module({
  imports: [
    ConfigModule.forRoot(), // reads .env, then the process environment
    FeishuAuthModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => {
        // Set to the emulator's URL (`npx feishu-emulator` prints it) to sign in without Feishu.
        const emulatorUrl = config.get<string>('FEISHU_EMULATOR_URL');
        return {
          appId: config.getOrThrow<string>('FEISHU_APP_ID'),
          appSecret: config.getOrThrow<string>('FEISHU_APP_SECRET'),
          domain: emulatorUrl ? { open: emulatorUrl, accounts: emulatorUrl } : 'feishu',
          redirectUri: config.getOrThrow<string>('FEISHU_REDIRECT_URI'),
          session: { secret: config.getOrThrow<string>('SESSION_SECRET') }, // 32 characters or more
        };
      },
    }),
  ],
  controllers: [AuthController, MeController],
})
export class AppModule {}
