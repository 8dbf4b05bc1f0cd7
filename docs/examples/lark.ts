import { Module } from '@nestjs/common';
// #region lark
import { FeishuAuthModule } from '@feishu-auth/nestjs';

@Module({
  imports: [
    FeishuAuthModule.forRoot({
      domain: 'lark', // open.larksuite.com + accounts.larksuite.com; a Lark app must use it (20046)
      appId: process.env.LARK_APP_ID!,
      appSecret: process.env.LARK_APP_SECRET!,
      redirectUri: 'https://app.example.com/auth/feishu/callback',
      session: { secret: process.env.SESSION_SECRET! },
    }),
  ],
})
export class AppModule {}
// #endregion lark
