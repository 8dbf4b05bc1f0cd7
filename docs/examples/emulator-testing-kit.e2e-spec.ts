// Twin of the emulator README's testing kit sample (test/docs/readme-samples.spec.ts), run by
// `npm test` as it stands (jest.config.js); test/testing-kit.e2e-spec.ts covers the kit further.
// #region testing-kit
// me.e2e-spec.ts: your controller, your module, the emulator; no browser, no network.
import {
  Controller,
  Get,
  HttpCode,
  Module,
  Post,
  UseGuards,
  type INestApplication,
} from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  FeishuAuthGuard,
  FeishuAuthModule,
  FeishuClient,
  FeishuCodeGuard,
  FeishuLoginGuard,
  FeishuUser,
  toFeishuHttpException,
  type FeishuProfile,
} from '@feishu-auth/nestjs';
import { useFeishuEmulator } from '@feishu-auth/emulator/testing';

@Controller('auth/feishu')
class AuthController {
  @Get('login') @UseGuards(FeishuLoginGuard) login(): void {}
  @Get('callback') @UseGuards(FeishuLoginGuard) callback(): string {
    return 'signed in';
  }
  @Post('code') @HttpCode(200) @UseGuards(FeishuCodeGuard) code(): string {
    return 'signed in'; // the in-app login: {code} from the Feishu client's requestAccess
  }
}

@UseGuards(FeishuAuthGuard)
@Controller('me')
class MeController {
  constructor(private readonly feishu: FeishuClient) {}

  @Get() me(@FeishuUser() user: FeishuProfile): string {
    return user.name;
  }

  @Get('calendar') async calendar(@FeishuUser('openId') openId: string): Promise<unknown> {
    try {
      return await this.feishu.request('GET', '/open-apis/calendar/v4/calendars/primary', {
        token: 'user',
        openId,
      });
    } catch (error) {
      throw toFeishuHttpException(error, { loginUrl: '/auth/feishu/login' });
    }
  }
}

describe('GET /me', () => {
  const feishu = useFeishuEmulator(); // started in beforeAll on a free port, closed in afterAll
  let app: INestApplication;

  beforeAll(async () => {
    @Module({
      imports: [
        FeishuAuthModule.forRoot({
          ...feishu.moduleOptions(), // appId, appSecret, appType, domain, redirectUri
          session: { secret: 'a test secret of 32 characters or more', secure: false },
        }),
      ],
      controllers: [AuthController, MeController],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication();
    await app.init();
  });
  afterAll(() => app.close());

  it('answers the signed-in user', async () => {
    const browser = request.agent(app.getHttpServer()); // keeps the session cookie
    await feishu.signIn(browser, feishu.users[0]); // login → authorize → callback, as 张三
    await browser.get('/me').expect(200, '张三');
  });

  it('signs in with an in-app code too', async () => {
    const browser = request.agent(app.getHttpServer());
    // POSTs {code} to /auth/feishu/code (docs/in-app-login.md)
    await feishu.signIn(browser, feishu.users[1], { via: 'code' });
    await browser.get('/me').expect(200, '李四');
  });

  it('refreshes a token Feishu expired, and asks to sign in again once it is revoked', async () => {
    const browser = request.agent(app.getHttpServer());
    const { openId } = await feishu.signIn(browser);
    feishu.expireUserToken(openId); // Feishu answers 99991677: the module refreshes and retries
    await browser.get('/me/calendar').expect(200);
    feishu.revokeUserToken(openId); // 99991668, then 20064 on refresh
    await browser.get('/me/calendar').expect(401);
    // one refresh after the expiry, one refused (20064) after the revocation
    expect(feishu.emulator.stats()['token.v2.refresh_token']).toBe(2);
  });
});
// #endregion testing-kit
