import { Controller, Get, HttpCode, Post, Redirect, Req, Res, UseGuards } from '@nestjs/common';
import {
  FeishuLoginGuard,
  FeishuSessionService,
  type FeishuAuthenticatedRequest,
  type FeishuHttpRequest,
  type FeishuHttpResponse,
} from '@feishu-auth/nestjs';

// Works on Express and Fastify alike: @Redirect() and passthrough responses, no res.redirect().
@Controller('auth/feishu')
export class AuthController {
  constructor(private readonly sessions: FeishuSessionService) {}

  @Get('login') // redirects to Feishu; `?returnTo=/some/page` comes back there
  @UseGuards(FeishuLoginGuard)
  login(): void {}

  @Get('callback') // checks state + PKCE, exchanges the code, stores the tokens, sets the session
  @UseGuards(FeishuLoginGuard)
  @Redirect('/me', 302)
  callback(@Req() req: FeishuAuthenticatedRequest<FeishuHttpRequest>): { url: string } {
    return { url: req.feishuReturnTo ?? '/me' };
  }

  @Post('logout') // clears the cookie, the session and the user's stored tokens
  @HttpCode(204)
  async logout(
    @Req() req: FeishuHttpRequest,
    @Res({ passthrough: true }) res: FeishuHttpResponse,
  ): Promise<void> {
    await this.sessions.logout(req, res);
  }
}
