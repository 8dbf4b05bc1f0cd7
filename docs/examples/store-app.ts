import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
// #region store-app
import { FeishuAuthModule, RedisTokenStore } from '@feishu-auth/nestjs';

@Module({
  imports: [
    FeishuAuthModule.forRoot({
      appType: 'store',
      appId: process.env.FEISHU_APP_ID!,
      appSecret: process.env.FEISHU_APP_SECRET!,
      redirectUri: 'https://app.example.com/auth/feishu/callback',
      session: { secret: process.env.SESSION_SECRET! },
      store: new RedisTokenStore({ url: process.env.REDIS_URL }), // any instance may get the ticket
      events: {
        verificationToken: process.env.FEISHU_VERIFICATION_TOKEN,
        encryptKey: process.env.FEISHU_ENCRYPT_KEY,
      },
      eventsPath: 'feishu/events', // mounts the event receiver: POST /feishu/events
    }),
  ],
})
export class AppModule {}

// Signatures are checked over the exact bytes Feishu sent.
const app = await NestFactory.create(AppModule, { rawBody: true });
// #endregion store-app
await app.listen(3000);
