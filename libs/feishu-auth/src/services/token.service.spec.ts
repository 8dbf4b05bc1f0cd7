import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { FeishuAuthModule } from '../feishu-auth.module.js';
import type { FeishuAuthModuleOptions } from '../interfaces/feishu-auth-module-options.interface.js';
import { FeishuOAuthClient } from '../oauth/feishu-oauth.client.js';
import { TokenService } from './token.service.js';

const SELF_BUILT = { appId: 'cli_emulator_selfbuilt', appSecret: 'emulator-self-built-secret' };
const CALLERS = 25;

describe('TokenService status: callerWaits', () => {
  let emulator: FeishuEmulator;
  let app: INestApplicationContext;

  async function start(refresh: FeishuAuthModuleOptions['refresh'] = {}): Promise<TokenService> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        FeishuAuthModule.forRoot({
          ...SELF_BUILT,
          domain: { open: emulator.url, accounts: emulator.url },
          redirectUri: 'http://localhost:3000/auth/feishu/callback',
          session: { secret: 'caller-waits-session-secret-012345' },
          refresh: { intervalMs: 3_600_000, ...refresh },
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app.get(TokenService);
  }

  beforeEach(async () => {
    emulator = await FeishuEmulator.start();
  });

  afterEach(async () => {
    await app?.close();
    await emulator.close();
  });

  it('should count every caller that joined a cold tenant token fetch, and none served from cache', async () => {
    const tokens = await start();

    const answers = await Promise.all(
      Array.from({ length: CALLERS }, () => tokens.getTenantAccessToken()),
    );
    await tokens.getTenantAccessToken();

    expect(new Set(answers).size).toBe(1);
    expect(emulator.stats()['tenant_access_token.internal']).toBe(1);
    expect(tokens.status().callerWaits).toBe(CALLERS);
  });

  it('should count every caller that waited for a due user token refresh', async () => {
    // Due as soon as it is issued, and too close to expiry to be served while it is refreshed:
    // 30 s left is under both the 700 s margin and the 60 s wait floor.
    emulator.setTokenLifetimes({ accessToken: 30 });
    const tokens = await start({ userTokenMarginSeconds: 700 });
    const user = emulator.users[0]!;
    const code = emulator.issueAuthorizationCode({
      appId: SELF_BUILT.appId,
      openId: user.openId,
      scopes: ['offline_access'],
    });
    const issued = await app.get(FeishuOAuthClient).exchangeCode({ code, redirectUri: null });
    await tokens.saveUserTokens(user, issued);

    const answers = await Promise.all(
      Array.from({ length: CALLERS }, () => tokens.getUserAccessToken(user.openId)),
    );

    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).not.toBe(issued.accessToken);
    expect(emulator.stats()['token.v2.refresh_token']).toBe(1);
    expect(tokens.status().callerWaits).toBe(CALLERS);
  });

  it('should count no wait for a user token with more than the margin left', async () => {
    const tokens = await start();
    const user = emulator.users[0]!;
    const code = emulator.issueAuthorizationCode({
      appId: SELF_BUILT.appId,
      openId: user.openId,
      scopes: ['offline_access'],
    });
    await tokens.saveUserTokens(
      user,
      await app.get(FeishuOAuthClient).exchangeCode({ code, redirectUri: null }),
    );

    await Promise.all(
      Array.from({ length: CALLERS }, () => tokens.getUserAccessToken(user.openId)),
    );

    expect(emulator.stats()['token.v2.refresh_token']).toBeUndefined();
    expect(tokens.status().callerWaits).toBe(0);
  });
});
