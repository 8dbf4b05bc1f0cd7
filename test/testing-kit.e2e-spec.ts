import {
  Controller,
  Get,
  HttpCode,
  Module,
  Post,
  Redirect,
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
import { createPlatformApp, HTTP_PLATFORMS } from './support/http-platform.js';
import { calls } from './support/emulator-calls.js';

/**
 * A user's own app, tested only through `@feishu-auth/emulator/testing`: its login routes, a
 * controller guarded by FeishuAuthGuard, and a route that calls Feishu with the user's token.
 */
@Controller('auth/feishu')
class AuthController {
  @Get('login')
  @UseGuards(FeishuLoginGuard)
  login() {}

  @Get('callback')
  @UseGuards(FeishuLoginGuard)
  @Redirect('/me')
  callback() {}

  @Post('code')
  @HttpCode(200)
  @UseGuards(FeishuCodeGuard)
  code(@FeishuUser('name') name: string) {
    return { name };
  }
}

@UseGuards(FeishuAuthGuard)
@Controller('me')
class MeController {
  constructor(private readonly feishu: FeishuClient) {}

  @Get()
  me(@FeishuUser() user: FeishuProfile) {
    return { name: user.name, openId: user.openId };
  }

  @Get('calendar')
  async calendar(@FeishuUser('openId') openId: string) {
    try {
      const { calendars } = await this.feishu.request<{ calendars: unknown[] }>(
        'GET',
        '/open-apis/calendar/v4/calendars/primary',
        { token: 'user', openId },
      );
      return { calendars: calendars.length };
    } catch (error) {
      throw toFeishuHttpException(error, { loginUrl: '/auth/feishu/login' });
    }
  }
}

describe.each(HTTP_PLATFORMS)(
  'a user controller on %s tested with @feishu-auth/emulator/testing',
  (platform) => {
    const feishu = useFeishuEmulator();
    let app: INestApplication;

    beforeAll(async () => {
      @Module({
        imports: [
          FeishuAuthModule.forRoot({
            ...feishu.moduleOptions(),
            session: { secret: 'a test secret of 32 characters or more', secure: false },
          }),
        ],
        controllers: [AuthController, MeController],
      })
      class AppModule {}
      const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
      app = await createPlatformApp(moduleRef, platform, { logger: false });
    });
    afterAll(() => app.close());

    const agent = () => request.agent(app.getHttpServer());

    it('should sign a user in by redirect login and serve the guarded route', async () => {
      const browser = agent();
      const [zhangSan] = feishu.users;
      const signedIn = await feishu.signIn(browser, zhangSan);

      expect(signedIn.openId).toBe(zhangSan.openId);
      expect(signedIn.response.status).toBe(302);
      const me = await browser.get('/me');
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ name: '张三', openId: zhangSan.openId });
    });

    it('should sign a user in by in-app code, keeping the session cookie in the agent', async () => {
      const browser = agent();
      const liSi = feishu.users[1];
      const signedIn = await feishu.signIn(browser, liSi.openId, { via: 'code' });

      expect(signedIn.response.body).toEqual({ name: '李四' });
      expect((await browser.get('/me')).body).toEqual({ name: '李四', openId: liSi.openId });
    });

    it('should keep users apart: each agent is its own browser', async () => {
      const first = agent();
      const second = agent();
      await feishu.signIn(first, feishu.users[0]);
      await feishu.signIn(second, feishu.users[2], { via: 'code' });

      expect((await first.get('/me')).body.name).toBe('张三');
      expect((await second.get('/me')).body.name).toBe('王五');
      expect((await agent().get('/me')).status).toBe(401);
    });

    it('should let the app refresh and retry when Feishu expires the user token early', async () => {
      const browser = agent();
      const { openId } = await feishu.signIn(browser, feishu.users[0]);
      const refreshes = () => calls(feishu.emulator, 'token.v2.refresh_token');
      const before = refreshes();

      feishu.expireUserToken(openId);
      const calendar = await browser.get('/me/calendar');

      expect(calendar.status).toBe(200);
      expect(calendar.body).toEqual({ calendars: 1 });
      expect(refreshes()).toBe(before + 1);
    });

    it('should send the user to sign in again after the authorization is revoked', async () => {
      const browser = agent();
      const { openId } = await feishu.signIn(browser, feishu.users[0], { via: 'code' });
      expect((await browser.get('/me/calendar')).status).toBe(200);

      feishu.revokeUserToken(openId);
      const calendar = await browser.get('/me/calendar');

      expect(calendar.status).toBe(401);
      expect(calendar.body).toMatchObject({ statusCode: 401, loginUrl: '/auth/feishu/login' });
    });

    it('should fail the sign-in, naming the step, for a resigned user (user_info 20021, the app answers 502)', async () => {
      const resigned = feishu.users.find((user) => user.status === 'resigned')!;

      await expect(feishu.signIn(agent(), resigned)).rejects.toThrow(
        /^GET \/auth\/feishu\/callback \(the callback\) answered HTTP 502/,
      );
      await expect(feishu.signIn(agent(), resigned, { via: 'code' })).rejects.toThrow(
        /^POST \/auth\/feishu\/code answered HTTP 502/,
      );
    });
  },
);
