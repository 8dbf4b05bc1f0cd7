import { Test } from '@nestjs/testing';
import {
  FeishuApiError,
  FeishuAuthModule,
  FeishuClient,
  FeishuConfigError,
  FeishuTokenStore,
  TokenService,
} from '@feishu-auth/nestjs';
import { emulatorPerTest } from './support/emulator-per-test.js';
import { emulatorOptions, SELF_BUILT } from './support/core-app.js';

const TENANT_KEY = `tenant:${SELF_BUILT.appId}:internal`;

describe('TokenService app and tenant tokens (e2e, emulator)', () => {
  const fixture = emulatorPerTest();

  it('should reach Feishu exactly once for 1,000 simultaneous cold calls', async () => {
    const app = await fixture.startApp(emulatorOptions(fixture.emulator));
    const tokens = app.get(TokenService);

    const results = await Promise.all(
      Array.from({ length: 1000 }, () => tokens.getTenantAccessToken()),
    );

    expect(new Set(results).size).toBe(1);
    expect(fixture.emulator.stats()['tenant_access_token.internal']).toBe(1);
  });

  it('should share one app token fetch between simultaneous callers', async () => {
    const app = await fixture.startApp(emulatorOptions(fixture.emulator));
    const tokens = app.get(TokenService);

    const results = await Promise.all(
      Array.from({ length: 200 }, () => tokens.getAppAccessToken()),
    );

    expect(new Set(results).size).toBe(1);
    expect(fixture.emulator.stats()['app_access_token.internal']).toBe(1);
  });

  it('should call an OpenAPI with the tenant token and resolve to its data', async () => {
    const app = await fixture.startApp(emulatorOptions(fixture.emulator));
    const user = fixture.emulator.users[0]!;

    const data = await app
      .get(FeishuClient)
      .request<{ user: { open_id: string } }>('GET', `/open-apis/contact/v3/users/${user.openId}`, {
        token: 'tenant',
      });

    expect(data.user.open_id).toBe(user.openId);
    expect(SELF_BUILT.appId).toBe(fixture.emulator.apps[0]!.appId);
  });

  it('should renew tenant tokens before they expire so callers never wait after the first', async () => {
    // The emulator scales Feishu's 30-minute reuse rule to min(1800 s, lifetime / 4): 2 s here,
    // so renewing at the 2 s margin gets a new token, as renewing at 30 min does on Feishu. The
    // token is served until 1 s (margin / 2) is left: a renewal has that long to come back before a
    // caller would wait, room enough for a machine busy with other suites.
    fixture.emulator.setTokenLifetimes({ appToken: 8 });
    // No HTTP-level retries: each upstream call is then one renewal attempt, counted below.
    const options = emulatorOptions(fixture.emulator, {
      refresh: { intervalMs: 50, appTokenMarginSeconds: 2 },
    });
    const app = await fixture.startApp({ ...options, http: { ...options.http, retries: 0 } });
    const tokens = app.get(TokenService);
    const client = app.get(FeishuClient);
    const user = fixture.emulator.users[0]!;
    const seen = new Set<string>();
    let callers = 0;

    const until = Date.now() + 7_500; // one renewal, about 6 s in
    while (Date.now() < until) {
      seen.add(await tokens.getTenantAccessToken());
      await client.request('GET', `/open-apis/contact/v3/users/${user.openId}`, {
        token: 'tenant',
      });
      callers++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const upstream = fixture.emulator.stats()['tenant_access_token.internal']!;
    expect(seen.size).toBeGreaterThanOrEqual(2); // renewed at least once during the run
    // Each upstream call is one renewal, never one per caller. A renewal may get the same token
    // back (`expire` is rounded down to whole seconds, so a token can look due a moment early), or
    // fail (a timeout on a loaded machine): counted apart, so the sum is exact.
    const { refreshes, sameTokenAnswers, failures } = tokens.status();
    const failed = Object.values(failures).reduce((sum, count) => sum + count, 0);
    expect(upstream).toBe(refreshes.tenant + sameTokenAnswers.tenant + failed);
    expect(upstream).toBeLessThan(callers / 10);
    expect(tokens.status().callerWaits).toBe(1);
    // Every OpenAPI call carried a valid token: none was rejected and retried.
    expect(fixture.emulator.stats()['openapi.contact.user']).toBe(callers);
  });

  it('should retry exactly once with a fresh token after Feishu revoked the cached one', async () => {
    const app = await fixture.startApp(emulatorOptions(fixture.emulator));
    const client = app.get(FeishuClient);
    const store = app.get<FeishuTokenStore>(FeishuTokenStore);
    const path = `/open-apis/contact/v3/users/${fixture.emulator.users[0]!.openId}`;
    await client.request('GET', path, { token: 'tenant' });
    const revoked = (await store.getToken(TENANT_KEY))!.token;
    fixture.emulator.invalidateTenantTokens();

    await client.request('GET', path, { token: 'tenant' });

    expect(fixture.emulator.stats()['openapi.contact.user']).toBe(3); // first call, rejected call, retry
    expect(fixture.emulator.stats()['tenant_access_token.internal']).toBe(2);
    const cached = (await store.getToken(TENANT_KEY))!.token;
    expect(cached).not.toBe(revoked);
    expect(await app.get(TokenService).getTenantAccessToken()).toBe(cached);
  });

  it('should retry a token fetch that failed with a 5xx and succeed', async () => {
    const app = await fixture.startApp(
      emulatorOptions(fixture.emulator, { http: { retries: 2, retryBaseDelayMs: 1 } }),
    );
    fixture.emulator.failNext({ endpoint: 'tenant_access_token.internal', status: 500, times: 2 });

    await app.get(TokenService).getTenantAccessToken();

    expect(fixture.emulator.stats()['tenant_access_token.internal']).toBe(3);
  });

  it.each([
    [{ malformedBody: true }, 'transient'],
    [{ resetConnection: true }, 'transient'],
    [{ status: 429 }, 'rate-limited'],
  ])('should surface %j as a typed error after the retries', async (fault, kind) => {
    const app = await fixture.startApp(
      emulatorOptions(fixture.emulator, {
        http: { retries: 1, retryBaseDelayMs: 1, retryMaxDelayMs: 1 },
      }),
    );
    fixture.emulator.failNext({ endpoint: 'tenant_access_token.internal', times: 2, ...fault });

    const error = await app
      .get(TokenService)
      .getTenantAccessToken()
      .catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(FeishuApiError);
    expect(error).toMatchObject({
      kind,
      endpoint: '/open-apis/auth/v3/tenant_access_token/internal',
    });
    expect(fixture.emulator.stats()['tenant_access_token.internal']).toBe(2);
  });

  it('should not retry a wrong app secret and say what to check', async () => {
    const app = await fixture.startApp(
      emulatorOptions(fixture.emulator, { appSecret: 'wrong-secret' }),
    );

    const error = await app
      .get(TokenService)
      .getTenantAccessToken()
      .catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(FeishuApiError);
    expect(error).toMatchObject({ kind: 'config', code: 10014 });
    expect((error as FeishuApiError).hint).toMatch(/appSecret/);
    expect((error as FeishuApiError).message).not.toContain('wrong-secret');
    expect(fixture.emulator.stats()['tenant_access_token.internal']).toBe(1);
  });

  it('should time out a slow Feishu with kind timeout', async () => {
    const app = await fixture.startApp(
      emulatorOptions(fixture.emulator, { http: { timeoutMs: 100, retries: 0 } }),
    );
    fixture.emulator.failNext({ endpoint: 'tenant_access_token.internal', delayMs: 1_000 });

    await expect(app.get(TokenService).getTenantAccessToken()).rejects.toMatchObject({
      kind: 'timeout',
    });
  });

  it('should stop the boot with the promised message when an option is bad', async () => {
    const compile = Test.createTestingModule({
      imports: [
        FeishuAuthModule.forRoot({
          ...emulatorOptions(fixture.emulator),
          redirectUri: 'not a url',
        }),
      ],
    }).compile();

    await expect(compile).rejects.toBeInstanceOf(FeishuConfigError);
    await expect(compile).rejects.toThrow(/"redirectUri" must be an absolute http\(s\) URL/);
  });

  it('should validate options given through forRootAsync', async () => {
    const compile = Test.createTestingModule({
      imports: [
        FeishuAuthModule.forRootAsync({
          useFactory: async () => ({
            ...emulatorOptions(fixture.emulator),
            session: { secret: 'short' },
          }),
        }),
      ],
    }).compile();

    await expect(compile).rejects.toThrow(
      /"session.secret" must be a string of at least 32 characters/,
    );
  });
});
