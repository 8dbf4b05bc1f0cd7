import {
  Controller,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Post,
  Redirect,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  FeishuCodeGuard,
  FeishuLoginGuard,
  FeishuSessionService,
  FeishuUser,
  type FeishuAuthenticatedRequest,
  type FeishuHttpRequest,
  type FeishuHttpResponse,
  type FeishuProfile,
  type FeishuSessionToken,
} from '@feishu-auth/nestjs';
import { LOGOUT_BY_POST_MESSAGE } from './demo.messages.js';
import { TokenActivity } from './token-activity.module.js';

/** The login routes: start, callback, in-app code, logout; the same on Express and Fastify. */
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
  @Redirect('/', 302)
  callback(
    @FeishuUser('openId') openId: string,
    @Req() request: FeishuAuthenticatedRequest<FeishuHttpRequest>,
  ): { url: string } {
    this.activity.signedIn(openId);
    return { url: request.feishuReturnTo ?? '/' };
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
    @Req() request: FeishuAuthenticatedRequest<FeishuHttpRequest>,
  ): { name: string } & Partial<FeishuSessionToken> {
    this.activity.signedIn(user.openId);
    return { name: user.name, ...request.feishuSessionToken };
  }

  /** Ends the session and forgets the user's tokens (the page's logout button posts here). */
  @Post('logout')
  @Redirect('/', 303)
  async logout(
    @Req() request: FeishuHttpRequest,
    @Res({ passthrough: true }) response: FeishuHttpResponse,
  ): Promise<void> {
    const session = await this.sessions.get(request);
    await this.sessions.logout(request, response);
    if (session !== undefined) {
      this.activity.forget('user', session.openId);
    }
  }

  /**
   * Logout is a POST only: a GET could be triggered by any site (an image, a link), signing the
   * visitor out behind their back. Typing the URL gets 405 and the way to do it.
   */
  @Get('logout')
  @HttpCode(HttpStatus.METHOD_NOT_ALLOWED)
  @Header('Allow', 'POST')
  logoutByLink(): { statusCode: number; error: string; message: string } {
    return {
      statusCode: HttpStatus.METHOD_NOT_ALLOWED,
      error: 'Method Not Allowed',
      message: LOGOUT_BY_POST_MESSAGE,
    };
  }
}
