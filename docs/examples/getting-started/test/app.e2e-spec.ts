import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { useFeishuEmulator } from '@feishu-auth/emulator/testing';
import { AppModule } from '../src/app.module.js';

describe('GET /me (e2e)', () => {
  const feishu = useFeishuEmulator(); // an emulator on a free port for this file
  let app: INestApplication;

  beforeAll(async () => {
    const { appId, appSecret, redirectUri } = feishu.moduleOptions();
    Object.assign(process.env, {
      FEISHU_EMULATOR_URL: feishu.emulator.url,
      FEISHU_APP_ID: appId,
      FEISHU_APP_SECRET: appSecret,
      FEISHU_REDIRECT_URI: redirectUri,
      SESSION_SECRET: 'a test secret of 32 characters or more',
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication();
    await app.init(); // no listening port: supertest calls the server directly
  });
  afterAll(() => app.close());

  it('answers 401 with the login URL before sign-in', async () => {
    const response = await request(app.getHttpServer()).get('/me').expect(401);
    expect(response.body).toMatchObject({ loginUrl: '/auth/feishu/login' });
  });

  it('signs a user in through Feishu and answers who it is, until logout', async () => {
    const browser = request.agent(app.getHttpServer()); // keeps the session cookie
    const { user, openId } = await feishu.signIn(browser); // login → Feishu consent → callback
    await browser.get('/me').expect(200, { openId, name: user.name });
    await browser.post('/auth/feishu/logout').expect(204);
    await browser.get('/me').expect(401);
  });
});
