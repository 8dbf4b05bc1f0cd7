import { Controller, Get, Req, UseGuards } from '@nestjs/common';
// #region module
import { Module } from '@nestjs/common';
import { FeishuAuthModule } from '@feishu-auth/nestjs';
import { FeishuLarkModule } from '@feishu-auth/nestjs/lark';

@Module({
  imports: [
    FeishuAuthModule.forRoot({
      appId: process.env.FEISHU_APP_ID!,
      appSecret: process.env.FEISHU_APP_SECRET!,
      redirectUri: 'https://app.example.com/auth/feishu/callback',
      session: { secret: process.env.SESSION_SECRET! },
    }),
    FeishuLarkModule.forRoot(), // the official SDK's Client, on FeishuAuthModule's tokens
  ],
})
export class AppModule {}
// #endregion module

// #region service
import { Injectable } from '@nestjs/common';
import { withTenantKey } from '@larksuiteoapi/node-sdk';
import { FeishuAuthGuard, type FeishuAuthenticatedRequest } from '@feishu-auth/nestjs';
import { InjectLarkClient, type LarkClient, LarkUserTokens } from '@feishu-auth/nestjs/lark';

@Injectable()
export class Messenger {
  constructor(
    @InjectLarkClient() private readonly lark: LarkClient,
    private readonly userTokens: LarkUserTokens,
  ) {}

  /** Tenant token (self-built app): from TokenService, fetched once, renewed ahead of expiry. */
  sayHello(chatId: string) {
    return this.lark.im.v1.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: chatId, msg_type: 'text', content: JSON.stringify({ text: 'hello' }) },
    });
  }

  /** Store app: the tenant is picked per call. */
  findUser(openId: string, tenantKey: string) {
    return this.lark.contact.v3.user.get(
      { path: { user_id: openId }, params: { user_id_type: 'open_id' } },
      withTenantKey(tenantKey),
    );
  }

  /** User token: the signed-in user's (or any open_id's), refreshed when due. */
  async me(request: FeishuAuthenticatedRequest) {
    return this.lark.authen.userInfo.get({}, await this.userTokens.withUser(request));
  }
}
// #endregion service

@UseGuards(FeishuAuthGuard)
@Controller('me')
export class MeController {
  constructor(private readonly messenger: Messenger) {}

  @Get()
  me(@Req() request: FeishuAuthenticatedRequest) {
    return this.messenger.me(request);
  }
}
