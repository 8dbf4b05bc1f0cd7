import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { FeishuReauthRequiredError, FeishuStoreUnavailableError } from '../feishu-auth.errors.js';
import { FeishuAuthModule } from '../feishu-auth.module.js';
import type {
  FeishuAuthModuleOptions,
  FeishuTokenRefreshFailedEvent,
} from '../interfaces/feishu-auth-module-options.interface.js';
import { FeishuOAuthClient } from '../oauth/feishu-oauth.client.js';
import type {
  FeishuUserTokenRecord,
  FeishuUserTokenWrite,
} from '../interfaces/feishu-token-store.interface.js';
import { InMemoryTokenStore } from '../storage/in-memory-token.store.js';
import { TokenRefreshScheduler } from './token-refresh.scheduler.js';
import { TokenService } from './token.service.js';

const SELF_BUILT = { appId: 'cli_emulator_selfbuilt', appSecret: 'emulator-self-built-secret' };
const TENANT = 'tenant_access_token.internal';
const REFRESH = 'token.v2.refresh_token';
const CALLERS = 25;

/**
 * The in-memory store, refusing the next user-token writes as Redis does when out of memory or
 * while a failover is under way, or answering that no replica confirmed them.
 */
class WriteRefusingStore extends InMemoryTokenStore {
  private refusals = 0;
  private unreplicated = false;

  refuseUserTokenWrites(count: number): void {
    this.refusals = count;
  }

  answerUnreplicated(): void {
    this.unreplicated = true;
  }

  override async setUserToken(record: FeishuUserTokenRecord, ttlSeconds: number): Promise<void> {
    if (this.refusals > 0) {
      this.refusals--;
      throw new FeishuStoreUnavailableError('The token store refused the write.');
    }
    await super.setUserToken(record, ttlSeconds);
    // What a replicating store answers (the interface allows it; InMemoryTokenStore declares void).
    const answer: FeishuUserTokenWrite | undefined = this.unreplicated
      ? { replicated: false }
      : undefined;
    return answer as unknown as void;
  }
}

/** Polls `done` every 20 ms (real time) for up to 10 s. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/**
 * The library and the emulator share one clock that the tests move by hand, so every renewal
 * happens at a known point of a token's life. The emulator still answers over real HTTP.
 */
describe('renewal policy (emulator, shared hand-moved clock)', () => {
  let now = Date.UTC(2030, 0, 1);
  /** Time that passes while the next token request travels to the emulator (read by its clock). */
  let travelMs = 0;
  let emulator: FeishuEmulator;
  let app: INestApplicationContext;
  let failures: FeishuTokenRefreshFailedEvent[];
  let unhandled: unknown[];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  const emulatorClock = () => {
    now += travelMs;
    travelMs = 0;
    return now;
  };

  async function start(
    refresh: FeishuAuthModuleOptions['refresh'],
    store = new InMemoryTokenStore({ clock: () => now }),
  ): Promise<TokenService> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        FeishuAuthModule.forRoot({
          ...SELF_BUILT,
          domain: { open: emulator.url, accounts: emulator.url },
          redirectUri: 'http://localhost:3000/auth/feishu/callback',
          session: { secret: 'renewal-policy-session-secret-0123' },
          http: { retries: 0, timeoutMs: 5_000 },
          clock: () => now,
          store,
          // The interval never fires by itself: tests call tick() when they mean it.
          refresh: { intervalMs: 3_600_000, ...refresh },
          onTokenRefreshFailed: (event) => failures.push(event),
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app.get(TokenService);
  }

  function calls(endpoint: string): number {
    return emulator.stats()[endpoint] ?? 0;
  }

  /**
   * Lets background work that talks to the emulator (real sockets) finish: the emulator's counts
   * must stay the same over several polls, since one quiet poll can fall between two calls of a
   * refresh on a loaded machine.
   */
  async function settle(): Promise<void> {
    const quietPollsNeeded = 5;
    let quietPolls = 0;
    let before = JSON.stringify(emulator.stats());
    while (quietPolls < quietPollsNeeded) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      const after = JSON.stringify(emulator.stats());
      quietPolls = after === before ? quietPolls + 1 : 0;
      before = after;
    }
  }

  async function signIn(tokens: TokenService): Promise<{ openId: string; accessToken: string }> {
    const user = emulator.users[0]!;
    const code = emulator.issueAuthorizationCode({
      appId: SELF_BUILT.appId,
      openId: user.openId,
      scopes: ['offline_access'],
    });
    const issued = await app.get(FeishuOAuthClient).exchangeCode({ code, redirectUri: null });
    await tokens.saveUserTokens(user, issued);
    return { openId: user.openId, accessToken: issued.accessToken };
  }

  beforeEach(async () => {
    failures = [];
    unhandled = [];
    process.on('unhandledRejection', onUnhandled);
    emulator = await FeishuEmulator.start({ clock: emulatorClock });
  });

  afterEach(async () => {
    process.off('unhandledRejection', onUnhandled);
    await app?.close();
    await emulator.close();
  });

  describe('user tokens', () => {
    // 600 s lifetime, 300 s margin: due at 300 s left; callers wait only under min(60 s, 150 s).
    beforeEach(() => emulator.setTokenLifetimes({ accessToken: 600 }));

    it('should serve a due but comfortably valid token at once while exactly one refresh runs behind', async () => {
      const tokens = await start({});
      const { openId, accessToken } = await signIn(tokens);
      now += 400_000; // 200 s left: due, far above the wait floor

      const answers = await Promise.all(
        Array.from({ length: CALLERS }, () => tokens.getUserAccessToken(openId)),
      );
      await settle();

      expect(answers).toEqual(Array(CALLERS).fill(accessToken));
      expect(tokens.status().callerWaits).toBe(0);
      expect(calls(REFRESH)).toBe(1);
      const renewed = await tokens.getUserAccessToken(openId);
      expect(renewed).not.toBe(accessToken);
      expect(tokens.status().refreshes.user).toBe(1);
      expect(calls(REFRESH)).toBe(1);
    });

    it('should make every caller wait for one refresh once less than the floor is left', async () => {
      const tokens = await start({});
      const { openId, accessToken } = await signIn(tokens);
      now += 550_000; // 50 s left: under the 60 s floor

      const answers = await Promise.all(
        Array.from({ length: CALLERS }, () => tokens.getUserAccessToken(openId)),
      );

      expect(new Set(answers).size).toBe(1);
      expect(answers[0]).not.toBe(accessToken);
      expect(calls(REFRESH)).toBe(1);
      expect(tokens.status().callerWaits).toBe(CALLERS);
    });

    it('should delete the user and report the failure when a background refresh finds the refresh token dead', async () => {
      const tokens = await start({});
      const { openId, accessToken } = await signIn(tokens);
      emulator.revokeRefreshTokens(openId);
      now += 400_000;

      await expect(tokens.getUserAccessToken(openId)).resolves.toBe(accessToken);
      await settle();

      expect(calls(REFRESH)).toBe(1);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ kind: 'user', subject: openId, stillValid: false });
      await expect(tokens.getUserAccessToken(openId)).rejects.toBeInstanceOf(
        FeishuReauthRequiredError,
      );
      expect(unhandled).toEqual([]);
    });

    it('should keep serving the valid token when a background refresh fails transiently, without an unhandled rejection', async () => {
      const tokens = await start({});
      const { openId, accessToken } = await signIn(tokens);
      emulator.failNext({ endpoint: REFRESH, status: 500 });
      now += 400_000;

      await expect(tokens.getUserAccessToken(openId)).resolves.toBe(accessToken);
      await settle();

      expect(calls(REFRESH)).toBe(1);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ kind: 'user', stillValid: true });
      expect(unhandled).toEqual([]);
      // The next callers keep the valid token, and Feishu is not asked again before the backoff.
      await expect(tokens.getUserAccessToken(openId)).resolves.toBe(accessToken);
      await settle();
      expect(calls(REFRESH)).toBe(1);
    });

    it('should report a background refresh whose rotated tokens the store refuses, and not ask Feishu again before the backoff', async () => {
      const store = new WriteRefusingStore({ clock: () => now });
      // Tried again every 100 ms while half the 6 s lease is left: 30 refusals.
      const tokens = await start({ lockLeaseMs: 6_000 }, store);
      const { openId, accessToken } = await signIn(tokens);
      store.refuseUserTokenWrites(Number.POSITIVE_INFINITY);
      now += 400_000;

      await expect(tokens.getUserAccessToken(openId)).resolves.toBe(accessToken);
      await until(() => failures.length > 0);
      store.refuseUserTokenWrites(0);

      expect(calls(REFRESH)).toBe(1);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ kind: 'user', subject: openId, stillValid: true });
      expect(unhandled).toEqual([]);
      // Asking again now would spend the refresh token Feishu already retired.
      await expect(tokens.getUserAccessToken(openId)).resolves.toBe(accessToken);
      await settle();
      expect(calls(REFRESH)).toBe(1);
    });

    it('should store rotated tokens the store refused twice (a failover) by trying again while it holds the lock', async () => {
      const store = new WriteRefusingStore({ clock: () => now });
      const tokens = await start({}, store);
      const { openId, accessToken } = await signIn(tokens);
      const before = await store.getUserToken(SELF_BUILT.appId, openId);
      store.refuseUserTokenWrites(2);
      now += 7_200_000 - 30_000; // 30 s left: the caller waits for the refresh

      const renewed = await tokens.getUserAccessToken(openId);

      expect(renewed).not.toBe(accessToken);
      expect((await store.getUserToken(SELF_BUILT.appId, openId))?.accessToken).toBe(renewed);
      expect((await store.getUserToken(SELF_BUILT.appId, openId))?.refreshToken).not.toBe(
        before?.refreshToken,
      );
      expect(calls(REFRESH)).toBe(1);
      expect(failures).toEqual([]);
      expect(tokens.status().refreshes.user).toBe(1);
    });

    it('should serve rotated tokens no replica confirmed, and count them in status().unreplicatedWrites', async () => {
      const store = new WriteRefusingStore({ clock: () => now });
      const tokens = await start({}, store);
      const { openId, accessToken } = await signIn(tokens);
      expect(tokens.status().unreplicatedWrites).toBe(0);
      store.answerUnreplicated();
      now += 7_200_000 - 30_000;

      const renewed = await tokens.getUserAccessToken(openId);

      expect(renewed).not.toBe(accessToken);
      expect((await store.getUserToken(SELF_BUILT.appId, openId))?.accessToken).toBe(renewed);
      expect(tokens.status()).toMatchObject({
        unreplicatedWrites: 1,
        lastUnreplicatedWriteAt: now,
      });
      expect(failures).toEqual([]);
    });

    it('should let the scheduler refresh a user one tick before requests would find the token due', async () => {
      const tokens = await start({ intervalMs: 30_000 });
      const { openId, accessToken } = await signIn(tokens);
      now += 280_000; // 320 s left: not due for requests (300 s), due for the scheduler (330 s)

      await app.get(TokenRefreshScheduler).tick();

      expect(calls(REFRESH)).toBe(1);
      expect(tokens.status().proactiveRefreshes).toBe(1);
      const renewed = await tokens.getUserAccessToken(openId);
      expect(renewed).not.toBe(accessToken);
      expect(tokens.status().callerWaits).toBe(0);
    });
  });

  describe('app and tenant tokens', () => {
    it('should renew with exactly one upstream call when the first answer was slow to reach Feishu', async () => {
      // 4 s tokens, same token handed back while 1 s is left: renewing at the 1 s margin.
      emulator.setTokenLifetimes({ appToken: 4 });
      const tokens = await start({ appTokenMarginSeconds: 1 });
      travelMs = 400; // Feishu counts the 4 s from 400 ms after our request left
      const first = await tokens.getTenantAccessToken();
      now += 2_900;

      const seen = new Set<string>();
      for (let step = 0; step < 30; step++) {
        now += 50;
        seen.add(await tokens.getTenantAccessToken());
        await settle();
      }

      expect(calls(TENANT)).toBe(2);
      expect([...seen].filter((token) => token !== first)).toHaveLength(1);
      expect(tokens.status().refreshes.tenant).toBe(2);
      expect(tokens.status().callerWaits).toBe(1);
    });

    it('should not count a renewal that got the same token back, and renew once more just after its window', async () => {
      emulator.setTokenLifetimes({ appToken: 20 }); // same token while 5 s are left
      const minted = await fetch(`${emulator.url}/open-apis/auth/v3/tenant_access_token/internal`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ app_id: SELF_BUILT.appId, app_secret: SELF_BUILT.appSecret }),
      });
      expect(minted.status).toBe(200);
      now += 1_500; // another instance (no shared store) minted the token 1.5 s ago
      const tokens = await start({ appTokenMarginSeconds: 5 });
      const first = await tokens.getTenantAccessToken();
      now += 12_000;

      // Taken as new, so renewed at 5 s left by its rounded-down `expire`: Feishu still has 5.5 s.
      const served: string[] = [];
      for (let step = 0; step < 40; step++) {
        now += 100;
        served.push(await tokens.getTenantAccessToken());
        await settle();
      }

      // Minted elsewhere, cold fetch, the same token back once, then the new one.
      expect(calls(TENANT)).toBe(4);
      expect(served.filter((token) => token !== first).length).toBeGreaterThan(0);
      expect(new Set(served).size).toBe(2);
      expect(tokens.status().refreshes.tenant).toBe(2);
      expect(tokens.status().sameTokenAnswers.tenant).toBe(1);
      expect(tokens.status().callerWaits).toBe(1);
    });
  });
});
