// The back end of "Login inside the Feishu client" (docs/in-app-login.md), compiled by
// `npm run typecheck`; test/in-app-login.e2e-spec.ts runs the same controller against the emulator.
import { Controller, Get, HttpCode, Module, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
// #region controller
import {
  FeishuAuthGuard,
  FeishuCodeGuard,
  FeishuSessionService,
  FeishuUser,
  type FeishuAuthenticatedRequest,
  type FeishuProfile,
} from '@feishu-auth/nestjs';

@Controller('auth/feishu')
export class InAppAuthController {
  constructor(private readonly sessions: FeishuSessionService) {}

  // Body: {"code": "<from tt.requestAccess>", "session"?: "cookie" | "token"}.
  // The guard exchanges the code (no redirect_uri, no PKCE), reads the profile, stores the
  // tokens and starts the session, exactly as the redirect callback does.
  @Post('code')
  @HttpCode(200)
  @UseGuards(FeishuCodeGuard)
  signIn(@FeishuUser() user: FeishuProfile, @Req() req: FeishuAuthenticatedRequest) {
    // "cookie" (default): the HttpOnly session cookie is set, feishuSessionToken is undefined.
    // "token": no cookie; answer { sessionToken, expiresIn, header: 'X-Feishu-Session' }.
    return { name: user.name, ...req.feishuSessionToken };
  }

  @Post('logout') // ends the session of the cookie or of the X-Feishu-Session header
  @HttpCode(204)
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    await this.sessions.logout(req, res);
  }
}

@UseGuards(FeishuAuthGuard) // the session cookie, X-Feishu-Session, or Bearer <user_access_token>
@Controller('api')
export class ApiController {
  @Get('me')
  me(@FeishuUser() user: FeishuProfile) {
    return { name: user.name, openId: user.openId };
  }
}
// #endregion controller

// #region module
import { FeishuAuthModule } from '@feishu-auth/nestjs';

@Module({
  imports: [
    FeishuAuthModule.forRoot({
      appId: process.env.FEISHU_APP_ID!,
      appSecret: process.env.FEISHU_APP_SECRET!,
      // Still required (the redirect login uses it); the in-app path never sends it.
      redirectUri: 'https://app.example.com/auth/feishu/callback',
      session: {
        secret: process.env.SESSION_SECRET!,
        tokenTtlSeconds: 3600, // session tokens of cookie-less clients live an hour here
      },
    }),
  ],
  controllers: [InAppAuthController, ApiController],
})
export class AppModule {}
// #endregion module
