import { Module } from '@nestjs/common';
import { FeishuAuthModule } from '@feishu-auth/nestjs';

@Module({
  imports: [
    FeishuAuthModule.forRoot({
      appId: process.env.FEISHU_APP_ID!,
      appSecret: process.env.FEISHU_APP_SECRET!,
      redirectUri: 'https://app.example.com/auth/feishu/callback',
      session: { secret: process.env.SESSION_SECRET! },
      // #region client-credentials
      // Self-built apps: tenant tokens from {accounts}/oauth/v3/token (grant_type=client_credentials).
      tenantToken: { grant: 'client_credentials', clientAuth: 'client_secret_basic' },
      // #endregion client-credentials
    }),
  ],
})
export class AppModule {}
