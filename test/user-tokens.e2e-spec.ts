import type { INestApplication } from '@nestjs/common';
import {
  FeishuApiError,
  FeishuClient,
  FeishuReauthRequiredError,
  FeishuTokenRefError,
  FeishuTokenStore,
  TokenService,
  toFeishuHttpException,
  type FeishuAuthModuleOptions,
} from '@feishu-auth/nestjs';
import type { HttpException } from '@nestjs/common';
import { emulatorPerTest } from './support/emulator-per-test.js';
import { emulatorOptions, SELF_BUILT, signInWithoutBrowser } from './support/core-app.js';
import { eventually } from './support/polling.js';
import { calls } from './support/emulator-calls.js';

describe('TokenService user tokens (e2e, emulator)', () => {
  const fixture = emulatorPerTest();

  async function start(
    overrides: Partial<FeishuAuthModuleOptions> = {},
  ): Promise<INestApplication> {
    return fixture.startApp(
      emulatorOptions(fixture.emulator, { refresh: { proactiveUserRefresh: false }, ...overrides }),
    );
  }

  it('should serve a stored user token without calling Feishu while it is not due', async () => {
    const nest = await start();
    const openId = fixture.emulator.users[0]!.openId;
    await signInWithoutBrowser(nest, fixture.emulator, openId);

    const tokens = await Promise.all(
      Array.from({ length: 50 }, () => nest.get(TokenService).getUserAccessToken(openId)),
    );

    expect(new Set(tokens).size).toBe(1);
    expect(calls(fixture.emulator, 'token.v2.refresh_token')).toBe(0);
  });

  it('should refresh a due user once for 100 concurrent callers and store the rotated refresh token', async () => {
    const nest = await start();
    const openId = fixture.emulator.users[0]!.openId;
    fixture.emulator.setTokenLifetimes({ accessToken: 60 }); // under the 300 s margin: due at once
    await signInWithoutBrowser(nest, fixture.emulator, openId);
    const store = nest.get<FeishuTokenStore>(FeishuTokenStore);
    const before = await store.getUserToken(SELF_BUILT.appId, openId);
    fixture.emulator.setTokenLifetimes({ accessToken: 7200 });

    const tokens = await Promise.all(
      Array.from({ length: 100 }, () => nest.get(TokenService).getUserAccessToken(openId)),
    );

    expect(fixture.emulator.stats()['token.v2.refresh_token']).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    const after = await store.getUserToken(SELF_BUILT.appId, openId);
    expect(after?.accessToken).toBe(tokens[0]);
    expect(after?.accessToken).not.toBe(before?.accessToken);
    expect(after?.refreshToken).not.toBe(before?.refreshToken);
    const me = await nest
      .get(FeishuClient)
      .request<{ calendars: unknown[] }>('GET', '/open-apis/calendar/v4/calendars/primary', {
        token: 'user',
        openId,
      });
    expect(me.calendars).toHaveLength(1);
  });

  it.each([
    ["a user token without the user's openId", { token: 'user' as const }],
    ['an unknown token kind', { token: 'bot' as unknown as 'user', openId: 'ou_1' }],
  ])('should refuse %s with a typed library error and call nobody', async (_case, ref) => {
    const nest = await start();
    const before = { ...fixture.emulator.stats() };

    const refused = nest
      .get(FeishuClient)
      .request('GET', '/open-apis/calendar/v4/calendars/primary', ref);

    await expect(refused).rejects.toBeInstanceOf(FeishuTokenRefError);
    expect(fixture.emulator.stats()).toEqual(before);
  });

  it('should delete the record and require a new sign-in when the refresh token is dead', async () => {
    const nest = await start();
    const openId = fixture.emulator.users[0]!.openId;
    fixture.emulator.setTokenLifetimes({ accessToken: 60 });
    await signInWithoutBrowser(nest, fixture.emulator, openId);
    fixture.emulator.revokeRefreshTokens(openId);

    const failure = nest.get(TokenService).getUserAccessToken(openId);

    await expect(failure).rejects.toBeInstanceOf(FeishuReauthRequiredError);
    await expect(failure).rejects.toMatchObject({ openId });
    expect(fixture.emulator.stats()['token.v2.refresh_token']).toBe(1);
    expect(
      await nest.get<FeishuTokenStore>(FeishuTokenStore).getUserToken(SELF_BUILT.appId, openId),
    ).toBeUndefined();
    await expect(nest.get(TokenService).getUserAccessToken(openId)).rejects.toBeInstanceOf(
      FeishuReauthRequiredError,
    );
    expect(fixture.emulator.stats()['token.v2.refresh_token']).toBe(1);
  });

  it('should serve the still-valid token when the refresh fails transiently', async () => {
    const nest = await start({ http: { retries: 0, retryBaseDelayMs: 1, retryMaxDelayMs: 1 } });
    const openId = fixture.emulator.users[0]!.openId;
    fixture.emulator.setTokenLifetimes({ accessToken: 60 });
    await signInWithoutBrowser(nest, fixture.emulator, openId);
    const store = nest.get<FeishuTokenStore>(FeishuTokenStore);
    const stored = await store.getUserToken(SELF_BUILT.appId, openId);
    fixture.emulator.failNext({ endpoint: 'token.v2.refresh_token', status: 500 });

    const token = await nest.get(TokenService).getUserAccessToken(openId);

    expect(token).toBe(stored?.accessToken);
    expect(fixture.emulator.stats()['token.v2.refresh_token']).toBe(1);
    expect((await store.getUserToken(SELF_BUILT.appId, openId))?.refreshToken).toBe(
      stored?.refreshToken,
    );
  });

  it('should refresh user tokens in the background before they are due', async () => {
    const nest = await start({
      refresh: { proactiveUserRefresh: true, intervalMs: 50, userTokenMarginSeconds: 300 },
    });
    const openId = fixture.emulator.users[0]!.openId;
    fixture.emulator.setTokenLifetimes({ accessToken: 60 });
    await signInWithoutBrowser(nest, fixture.emulator, openId);
    fixture.emulator.setTokenLifetimes({ accessToken: 7200 });

    await eventually(() => calls(fixture.emulator, 'token.v2.refresh_token') >= 1, {
      timeoutMs: 10_000,
    });
    await eventually(() => nest.get(TokenService).status().refreshes.user >= 1, {
      timeoutMs: 10_000,
    });

    expect(fixture.emulator.stats()['token.v2.refresh_token']).toBe(1);
    const status = nest.get(TokenService).status();
    expect(status.proactiveRefreshes).toBe(1);
    await nest.get(TokenService).getUserAccessToken(openId);
    expect(fixture.emulator.stats()['token.v2.refresh_token']).toBe(1);
  });

  it('should answer a typed lock-wait timeout (503) when another instance holds an expired user token’s refresh lock past lockWaitMs', async () => {
    const nest = await start({ refresh: { proactiveUserRefresh: false, lockWaitMs: 200 } });
    const openId = fixture.emulator.users[0]!.openId;
    await signInWithoutBrowser(nest, fixture.emulator, openId);
    const store = nest.get<FeishuTokenStore>(FeishuTokenStore);
    const record = (await store.getUserToken(SELF_BUILT.appId, openId))!;
    await store.setUserToken({ ...record, accessTokenExpiresAt: Date.now() - 1 }, 3_600);
    // Another instance is refreshing this user and neither finishes nor lets go of the lock.
    expect(await store.acquireLock(`user:${SELF_BUILT.appId}:${openId}`, 60_000)).toBeDefined();

    const error: unknown = await nest
      .get(TokenService)
      .getUserAccessToken(openId)
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ name: 'FeishuRefreshLockTimeoutError', tokenKind: 'user' });
    expect(error).not.toBeInstanceOf(FeishuApiError);
    expect((toFeishuHttpException(error) as HttpException).getStatus()).toBe(503);
    expect(calls(fixture.emulator, 'token.v2.refresh_token')).toBe(0);
    // Nothing was lost: the record is still there for the holder to replace.
    expect(await store.getUserToken(SELF_BUILT.appId, openId)).toMatchObject({
      refreshToken: record.refreshToken,
    });
  });

  it('should forget a user on logout', async () => {
    const nest = await start();
    const openId = fixture.emulator.users[0]!.openId;
    await signInWithoutBrowser(nest, fixture.emulator, openId);

    await nest.get(TokenService).forgetUser(openId);

    await expect(nest.get(TokenService).getUserAccessToken(openId)).rejects.toBeInstanceOf(
      FeishuReauthRequiredError,
    );
  });
});
