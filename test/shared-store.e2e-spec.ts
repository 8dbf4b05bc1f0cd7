import type { INestApplication } from '@nestjs/common';
import { FeishuEmulator, type EmulatorUser } from '@feishu-auth/emulator';
import { InMemoryTokenStore, TokenRefreshScheduler, TokenService } from '@feishu-auth/nestjs';
import { emulatorOptions, signInWithoutBrowser, startCoreApp } from './support/core-app.js';

const APP_A = { appId: 'cli_emulator_selfbuilt', appSecret: 'emulator-self-built-secret' };
const APP_B = { appId: 'cli_emulator_other', appSecret: 'emulator-other-secret' };
const REFRESH = 'token.v2.refresh_token';
/** Under the 300 s user margin: due as soon as it is stored. */
const DUE_LIFETIME_SECONDS = 60;

/**
 * Signs a user in on `nest` with an access token already due (the refresh token lives on).
 * Resolves to the user's open_id in that app.
 */
async function signInDue(
  nest: INestApplication,
  emulator: FeishuEmulator,
  appId: string,
  user: EmulatorUser,
): Promise<string> {
  emulator.setTokenLifetimes({ accessToken: DUE_LIFETIME_SECONDS });
  const record = await signInWithoutBrowser(nest, emulator, user.openId, appId);
  emulator.setTokenLifetimes({ accessToken: 7200 });
  return record.openId;
}

/**
 * Two apps whose instances share one store (one Redis, one keyPrefix): each app's scheduler must
 * renew only its own users. Each app talks to its own emulator, so each emulator's counters are
 * exactly what one app sent.
 */
describe('Several apps sharing one token store (e2e, emulator)', () => {
  let feishuA: FeishuEmulator;
  let feishuB: FeishuEmulator;
  const apps: INestApplication[] = [];

  beforeEach(async () => {
    [feishuA, feishuB] = await Promise.all([FeishuEmulator.start(), FeishuEmulator.start()]);
  });

  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await Promise.all([feishuA.close(), feishuB.close()]);
  });

  async function start(
    emulator: FeishuEmulator,
    credentials: typeof APP_A,
    store: InMemoryTokenStore,
  ): Promise<INestApplication> {
    const { app } = await startCoreApp(
      emulatorOptions(emulator, {
        ...credentials,
        store,
        // No interval during the test: every renewal counted here is one a `tick()` made.
        refresh: { proactiveUserRefresh: true, intervalMs: 3_600_000 },
      }),
    );
    apps.push(app);
    return app;
  }

  it("should have each app's scheduler refresh only its own due users", async () => {
    const store = new InMemoryTokenStore();
    const [nestA, nestB] = [await start(feishuA, APP_A, store), await start(feishuB, APP_B, store)];
    const userA = await signInDue(nestA, feishuA, APP_A.appId, feishuA.users[0]!);
    const userB = await signInDue(nestB, feishuB, APP_B.appId, feishuB.users[1]!);
    const [beforeA, beforeB] = [
      await store.getUserToken(APP_A.appId, userA),
      await store.getUserToken(APP_B.appId, userB),
    ];

    await nestA.get(TokenRefreshScheduler).tick();
    await nestB.get(TokenRefreshScheduler).tick();
    await nestA.get(TokenRefreshScheduler).tick();
    await nestB.get(TokenRefreshScheduler).tick();

    expect(feishuA.stats()[REFRESH]).toBe(1);
    expect(feishuB.stats()[REFRESH]).toBe(1);
    const [afterA, afterB] = [
      await store.getUserToken(APP_A.appId, userA),
      await store.getUserToken(APP_B.appId, userB),
    ];
    expect(afterA?.refreshToken).not.toBe(beforeA?.refreshToken);
    expect(afterB?.refreshToken).not.toBe(beforeB?.refreshToken);
    await expect(nestB.get(TokenService).getUserAccessToken(userB)).resolves.toBe(
      afterB?.accessToken,
    );
  });

  it('should schedule and unschedule a user under a member that names the app', async () => {
    const store = new InMemoryTokenStore();
    const nestA = await start(feishuA, APP_A, store);
    const userA = await signInDue(nestA, feishuA, APP_A.appId, feishuA.users[0]!);

    expect(await store.getDue(Date.now(), 10)).toEqual([`user:${APP_A.appId}:${userA}`]);
    await nestA.get(TokenService).forgetUser(userA);
    expect(await store.getDue(Date.now(), 10)).toEqual([]);
  });
});
