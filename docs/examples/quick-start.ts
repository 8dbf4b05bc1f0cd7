// The README's quick start, compiled by `npm run typecheck` (test/docs/readme-samples.spec.ts
// checks that the README shows exactly these lines).
import { Controller, Get, Module, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
// #region controllers
import {
  FeishuAuthGuard,
  FeishuLoginGuard,
  FeishuSessionService,
  FeishuUser,
  TenantAccessToken,
  UserAccessToken,
  type FeishuAuthenticatedRequest,
  type FeishuProfile,
} from '@feishu-auth/nestjs';

@Controller('auth/feishu')
export class AuthController {
  constructor(private readonly sessions: FeishuSessionService) {}

  @Get('login') // redirects to Feishu; `?returnTo=/some/page` comes back there
  @UseGuards(FeishuLoginGuard)
  login(): void {}

  @Get('callback') // checks state + PKCE, exchanges the code, stores the tokens, sets the session
  @UseGuards(FeishuLoginGuard)
  callback(@Req() req: FeishuAuthenticatedRequest, @Res() res: Response): void {
    res.redirect(req.feishuReturnTo ?? '/');
  }

  @Post('logout') // clears the cookie, the session and the user's stored tokens
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    await this.sessions.logout(req, res);
    res.redirect(303, '/');
  }
}

@UseGuards(FeishuAuthGuard) // the session cookie, or Authorization: Bearer <user_access_token>
@Controller('me')
export class MeController {
  @Get()
  me(
    @FeishuUser() user: FeishuProfile,
    @UserAccessToken() userToken: string, // valid now: refreshed first if it was about to expire
    @TenantAccessToken() tenantToken: string, // the token of the user's tenant
  ) {
    return { name: user.name, canCallFeishu: userToken.length > 0 && tenantToken.length > 0 };
  }
}
// #endregion controllers

// #region module
import { FeishuAuthModule } from '@feishu-auth/nestjs';

@Module({
  imports: [
    FeishuAuthModule.forRoot({
      appId: process.env.FEISHU_APP_ID!, // cli_…
      appSecret: process.env.FEISHU_APP_SECRET!,
      redirectUri: 'http://localhost:3000/auth/feishu/callback', // registered in the developer console
      session: { secret: process.env.SESSION_SECRET! }, // 32 characters or more
    }),
  ],
  controllers: [AuthController, MeController],
})
export class AppModule {}
// #endregion module
