import { Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  FeishuCodeGuard,
  FeishuLoginGuard,
  FeishuSessionService,
  FeishuUser,
  type FeishuAuthenticatedRequest,
  type FeishuProfile,
  type FeishuSessionToken,
} from '@feishu-auth/nestjs';
import { TokenActivity } from './token-activity.module.js';

/** The login routes: start, callback, in-app code, logout. */
@Controller('auth/feishu')
export class AuthController {
  constructor(
    private readonly sessions: FeishuSessionService,
    private readonly activity: TokenActivity,
  ) {}

  /** Redirects to Feishu's consent page (the guard does it). */
  @Get('login')
  @UseGuards(FeishuLoginGuard)
  login(): void {}

  /** The guard has exchanged the code and started the session; go back where the login began. */
  @Get('callback')
  @UseGuards(FeishuLoginGuard)
  callback(
    @FeishuUser('openId') openId: string,
    @Req() request: FeishuAuthenticatedRequest,
    @Res() response: Response,
  ): void {
    this.activity.signedIn(openId);
    response.redirect(request.feishuReturnTo ?? '/');
  }

  /**
   * Login inside the Feishu client: the front end posts the code `requestAccess` gave it (on the
   * emulator, `/in-app` plays the client). The guard signs the user in as the callback does.
   */
  @Post('code')
  @HttpCode(200)
  @UseGuards(FeishuCodeGuard)
  code(
    @FeishuUser() user: FeishuProfile,
    @Req() request: FeishuAuthenticatedRequest,
  ): { name: string } & Partial<FeishuSessionToken> {
    this.activity.signedIn(user.openId);
    return { name: user.name, ...request.feishuSessionToken };
  }

  /** Ends the session and forgets the user's tokens (the page's logout button posts here). */
  @Post('logout')
  async logout(@Req() request: Request, @Res() response: Response): Promise<void> {
    const session = await this.sessions.get(request);
    await this.sessions.logout(request, response);
    if (session !== undefined) {
      this.activity.forget('user', session.openId);
    }
    response.redirect(303, '/');
  }

  /** The same, for a person who types the URL. */
  @Get('logout')
  async logoutByLink(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.logout(request, response);
  }
}
