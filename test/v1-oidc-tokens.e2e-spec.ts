import type { INestApplication } from '@nestjs/common';
import { FeishuOAuthClient, FeishuTokenStore, TokenService } from '@feishu-auth/nestjs';
import { emulatorPerTest } from './support/emulator-per-test.js';
import {
  emulatorOptions,
  REDIRECT_URI,
  SELF_BUILT,
  signInWithoutBrowser,
} from './support/core-app.js';

const REFRESH = 'oidc.refresh_access_token';
const EXCHANGE = 'oidc.access_token';
const APP_TOKEN = 'app_access_token.internal';

/**
 * The legacy v1 OIDC endpoints authenticate the app with an app_access_token in the header; a dead
 * one is answered on HTTP 200 with code 20014. The library then drops the cached app token and
 * sends the call once more with a fresh one.
 */
describe('v1 OIDC user tokens with a dead app token (e2e, emulator)', () => {
  const fixture = emulatorPerTest();

  async function start(): Promise<INestApplication> {
    return fixture.startApp(
      emulatorOptions(fixture.emulator, {
        tokenEndpoint: 'v1-oidc',
        refresh: { proactiveUserRefresh: false },
      }),
    );
  }

  function issueCode(): string {
    return fixture.emulator.issueAuthorizationCode({
      appId: SELF_BUILT.appId,
      openId: fixture.emulator.users[0]!.openId,
      scopes: ['offline_access'],
      redirectUri: REDIRECT_URI,
    });
  }

  it('should refresh a due user with one retry on a fresh app token after Feishu answers 20014', async () => {
    const nest = await start();
    fixture.emulator.setTokenLifetimes({ accessToken: 60 }); // under the 300 s margin: due at once
    const before = await signInWithoutBrowser(
      nest,
      fixture.emulator,
      fixture.emulator.users[0]!.openId,
    );
    fixture.emulator.setTokenLifetimes({ accessToken: 7200 });
    fixture.emulator.invalidateTenantTokens(SELF_BUILT.appId);
    fixture.emulator.resetStats();

    const token = await nest.get(TokenService).getUserAccessToken(before.openId);

    expect(fixture.emulator.stats()[REFRESH]).toBe(2);
    expect(fixture.emulator.stats()[APP_TOKEN]).toBe(1);
    const after = await nest
      .get<FeishuTokenStore>(FeishuTokenStore)
      .getUserToken(SELF_BUILT.appId, before.openId);
    expect(after?.accessToken).toBe(token);
    expect(after?.refreshToken).not.toBe(before.refreshToken);
  });

  it('should exchange a code with one retry on a fresh app token after Feishu answers 20014', async () => {
    const nest = await start();
    await signInWithoutBrowser(nest, fixture.emulator, fixture.emulator.users[0]!.openId);
    fixture.emulator.invalidateTenantTokens(SELF_BUILT.appId);
    fixture.emulator.resetStats();

    const tokens = await nest.get(FeishuOAuthClient).exchangeCode({ code: issueCode() });

    expect(tokens.accessToken).toMatch(/\S/);
    expect(fixture.emulator.stats()[EXCHANGE]).toBe(2);
    expect(fixture.emulator.stats()[APP_TOKEN]).toBe(1);
  });
});
