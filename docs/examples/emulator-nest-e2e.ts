// #region nest-e2e
import { Controller, Get, Module, UseGuards, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
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
let appUrl: string;

beforeAll(async () => {
  emulator = await FeishuEmulator.start();
  const redirectUri = 'http://127.0.0.1:3000/auth/feishu/callback'; // registered on every default app
  @Module({
    imports: [
      FeishuAuthModule.forRoot({
        appId: 'cli_emulator_selfbuilt',
        appSecret: 'emulator-self-built-secret',
        domain: { open: emulator.url, accounts: emulator.url },
        redirectUri,
        session: { secret: 'a test secret of 32 characters or more', secure: false },
      }),
    ],
    controllers: [TestController],
  })
  class TestModule {}
  app = await NestFactory.create(TestModule, { logger: false });
  await app.listen(3000, '127.0.0.1');
  appUrl = 'http://127.0.0.1:3000';
});
afterAll(async () => {
  await app.close();
  await emulator.close();
});

it('signs 张三 in without a browser', async () => {
  const cookies: string[] = [];
  const get = async (url: string) => {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: cookies.join('; ') } });
    for (const cookie of res.headers.getSetCookie()) cookies.push(cookie.split(';')[0]!);
    return res;
  };
  const toFeishu = new URL((await get(`${appUrl}/auth/feishu/login`)).headers.get('location')!);
  toFeishu.searchParams.set('login_hint', emulator.users[0]!.openId); // approve at once, as 张三
  const back = (await get(toFeishu.href)).headers.get('location')!;
  expect((await get(back)).status).toBe(200);
  expect(await (await get(`${appUrl}/me`)).text()).toBe('张三');
});
// #endregion nest-e2e
