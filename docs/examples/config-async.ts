// #region config
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { FeishuAuthModule, RedisTokenStore } from '@feishu-auth/nestjs';

@Module({
  imports: [
    ConfigModule.forRoot(),
    FeishuAuthModule.forRootAsync({
      imports: [ConfigModule],
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        appId: config.getOrThrow<string>('FEISHU_APP_ID'),
        appSecret: config.getOrThrow<string>('FEISHU_APP_SECRET'),
        domain: config.get<'feishu' | 'lark'>('FEISHU_DOMAIN', 'feishu'),
        redirectUri: config.getOrThrow<string>('FEISHU_REDIRECT_URI'),
        scopes: ['contact:user.email:readonly'],
        session: {
          // Rotate by putting the new secret first: the first signs, every one verifies.
          secret: config.getOrThrow<string>('SESSION_SECRETS').split(','),
        },
        store: new RedisTokenStore({ url: config.getOrThrow<string>('REDIS_URL') }),
        encryption: { keys: [{ id: '2026-01', key: config.getOrThrow<string>('TOKEN_KEY') }] },
      }),
    }),
  ],
})
export class AppModule {}
// #endregion config
