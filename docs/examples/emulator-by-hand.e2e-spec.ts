// #region nest-e2e
// login.e2e-spec.ts: a whole redirect login against the emulator, by hand; no browser, no port.
import { Controller, Get, Module, UseGuards, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  FeishuAuthGuard,
  FeishuAuthModule,
  FeishuLoginGuard,
  FeishuUser,
  type FeishuProfile,
} from '@feishu-auth/nestjs';
import { FeishuEmulator } from '@feishu-auth/emulator';

@Controller()
class TestController {
  @Get('auth/feishu/login') @UseGuards(FeishuLoginGuard) login(): void {}
  @Get('auth/feishu/callback') @UseGuards(FeishuLoginGuard) callback(): string {
    return 'signed in';
  }
  @Get('me') @UseGuards(FeishuAuthGuard) me(@FeishuUser() user: FeishuProfile): string {
    return user.name;
  }
}

let emulator: FeishuEmulator;
let app: INestApplication;

beforeAll(async () => {
  emulator = await FeishuEmulator.start(); // a free port
  @Module({
    imports: [
      FeishuAuthModule.forRoot({
        appId: 'cli_emulator_selfbuilt',
        appSecret: 'emulator-self-built-secret',
        domain: { open: emulator.url, accounts: emulator.url },
        // Registered on every default app; the app never listens on it: supertest calls it directly.
        redirectUri: 'http://127.0.0.1:3000/auth/feishu/callback',
        session: { secret: 'a test secret of 32 characters or more', secure: false },
      }),
    ],
    controllers: [TestController],
  })
  class TestModule {}
  const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
  app = moduleRef.createNestApplication();
  await app.init();
});
afterAll(async () => {
  await app.close();
  await emulator.close();
});

it('signs 张三 in without a browser', async () => {
  const browser = request.agent(app.getHttpServer()); // keeps the session cookie
  const login = await browser.get('/auth/feishu/login').expect(302);
  const toFeishu = new URL(login.headers.location ?? '');
  toFeishu.searchParams.set('login_hint', emulator.users[0]!.openId); // approve at once, as 张三
  const consent = await fetch(toFeishu, { redirect: 'manual' }); // the emulator's authorize page
  const back = new URL(consent.headers.get('location') ?? ''); // your callback, with code and state
  await browser.get(`${back.pathname}${back.search}`).expect(200, 'signed in');
  await browser.get('/me').expect(200, '张三');
});
// #endregion nest-e2e
