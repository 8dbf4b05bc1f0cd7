import { Injectable, type INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import lark from '@larksuiteoapi/node-sdk';
import type { FeishuEmulator } from '@feishu-auth/emulator';
import {
  FeishuAppTicketUnavailableError,
  FeishuAuthModule,
  FeishuTokenRefError,
  type FeishuAuthModuleOptions,
  TokenService,
} from '@feishu-auth/nestjs';
import {
  FeishuLarkModule,
  InjectLarkClient,
  type LarkClient,
  type LarkRequestOptions,
  LarkUserTokens,
} from '@feishu-auth/nestjs/lark';
import { emulatorPerTest } from './support/emulator-per-test.js';
import {
  emulatorOptions,
  SELF_BUILT,
  signInWithoutBrowser,
  STORE_APP,
} from './support/core-app.js';

const EVENTS_PATH = 'feishu/events';

/** A consumer's service, as a user of the module writes it. */
@Injectable()
class Directory {
  constructor(@InjectLarkClient() readonly client: LarkClient) {}

  findUser(openId: string, tenantKey?: string) {
    return this.client.contact.v3.user.get(
      { path: { user_id: openId }, params: { user_id_type: 'open_id' } },
      tenantKey === undefined ? undefined : lark.withTenantKey(tenantKey),
    );
  }
}

async function startLarkApp(
  options: FeishuAuthModuleOptions,
  extras: { eventsPath?: string } = {},
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [FeishuAuthModule.forRoot({ ...options, ...extras }), FeishuLarkModule.forRoot()],
    providers: [Directory],
  }).compile();
  const app = moduleRef.createNestApplication({ rawBody: true, logger: false });
  await app.init();
  return app;
}

/** A user-token route through the SDK's generic `client.request` (the emulator serves it as GET). */
function primaryCalendar(
  app: INestApplication,
  options: LarkRequestOptions,
): Promise<{ data?: { calendars?: { user_id?: string }[] } }> {
  return app
    .get(Directory)
    .client.request({ method: 'GET', url: '/open-apis/calendar/v4/calendars/primary' }, options);
}

describe('FeishuLarkModule: the official SDK on TokenService (e2e, emulator)', () => {
  const fixture = emulatorPerTest();
  let emulator: FeishuEmulator;

  beforeEach(() => {
    emulator = fixture.emulator;
  });

  /** Starts the app of the test; the fixture closes it. */
  async function start(
    overrides: Partial<FeishuAuthModuleOptions> = {},
    extras: { eventsPath?: string } = {},
  ): Promise<INestApplication> {
    fixture.app = await startLarkApp(emulatorOptions(emulator, overrides), extras);
    return fixture.app;
  }

  it('should serve 200 concurrent cold SDK calls of a self-built app with 1 tenant token fetch, the one TokenService holds', async () => {
    const app = await start();
    const user = emulator.users[0]!;

    const results = await Promise.all(
      Array.from({ length: 200 }, () => app.get(Directory).findUser(user.openId)),
    );

    expect(results.every((result) => result.data?.user?.open_id === user.openId)).toBe(true);
    expect(emulator.stats()).toEqual({
      'tenant_access_token.internal': 1,
      'openapi.contact.user': 200,
    });
    const cached = await app.get(TokenService).getTenantAccessToken();
    expect(emulator.stats()['tenant_access_token.internal']).toBe(1);
    expect(cached).toMatch(/\S/);
  });

  it('should provide the client through forRootAsync too', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        FeishuAuthModule.forRoot(emulatorOptions(emulator)),
        FeishuLarkModule.forRootAsync({
          useFactory: async () => ({ loggerLevel: lark.LoggerLevel.error, source: 'e2e' }),
        }),
      ],
      providers: [Directory],
    }).compile();
    fixture.app = moduleRef.createNestApplication({ logger: false });
    await fixture.app.init();
    const user = emulator.users[0]!;

    const result = await fixture.app.get(Directory).findUser(user.openId);

    expect(result.data?.user?.open_id).toBe(user.openId);
    expect(emulator.stats()['tenant_access_token.internal']).toBe(1);
  });

  it('should use the client_credentials tenant token when the module is configured for it', async () => {
    const app = await start({ tenantToken: { grant: 'client_credentials' } });
    const user = emulator.users[0]!;

    const result = await app.get(Directory).findUser(user.openId);

    expect(result.data?.user?.open_id).toBe(user.openId);
    expect(emulator.stats()).toEqual({
      'token.v3.client_credentials': 1,
      'openapi.contact.user': 1,
    });
  });

  it('should drop a tenant token Feishu revoked and retry the SDK call once with a new one', async () => {
    const app = await start();
    const revoked = await app.get(TokenService).getTenantAccessToken();
    emulator.invalidateToken(revoked);
    const user = emulator.users[0]!;

    const result = await app.get(Directory).findUser(user.openId);

    expect(result.data?.user?.open_id).toBe(user.openId);
    expect(emulator.stats()['tenant_access_token.internal']).toBe(2);
    expect(emulator.stats()['openapi.contact.user']).toBe(2);
    expect(await app.get(TokenService).getTenantAccessToken()).not.toBe(revoked);
  });

  it('should not retry a call whose token the caller brought', async () => {
    const app = await start();

    const error = await primaryCalendar(
      app,
      lark.withUserAccessToken('u-not-a-token-of-ours'),
    ).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ response: { status: 400, data: { code: 99991668 } } });
    expect(emulator.stats()['openapi.calendar.primary']).toBe(1);
  });

  it('should write no token to the log when Feishu refuses an SDK call', async () => {
    const lines: string[] = [];
    const capture = (...values: unknown[]) => void lines.push(values.map(String).join(' '));
    const app = await start();
    Logger.overrideLogger({ log: capture, error: capture, warn: capture, debug: capture });
    try {
      const token = await app.get(TokenService).getTenantAccessToken();

      await expect(app.get(Directory).findUser('ou_nobody')).rejects.toBeDefined();

      expect(lines.join('\n')).toContain('Feishu code 41050');
      expect(lines.join('\n')).not.toContain(token);
      expect(lines.join('\n')).not.toContain(SELF_BUILT.appSecret);
    } finally {
      Logger.overrideLogger(false);
    }
  });

  describe('user calls', () => {
    it('should call a user API with the signed-in user token from LarkUserTokens', async () => {
      const app = await start();
      const user = emulator.users[0]!;
      await signInWithoutBrowser(app, emulator, user.openId);

      const result = await app
        .get(Directory)
        .client.authen.userInfo.get({}, await app.get(LarkUserTokens).withUser(user.openId));

      expect(result.data?.open_id).toBe(user.openId);
      expect(emulator.stats()['tenant_access_token.internal']).toBeUndefined();
    });

    it('should take the user from a request FeishuAuthGuard let in', async () => {
      const app = await start();
      const user = emulator.users[0]!;
      await signInWithoutBrowser(app, emulator, user.openId);
      const request = { feishu: { openId: user.openId } } as Parameters<
        LarkUserTokens['withUser']
      >[0];

      const result = await app
        .get(Directory)
        .client.authen.userInfo.get({}, await app.get(LarkUserTokens).withUser(request));

      expect(result.data?.open_id).toBe(user.openId);
    });

    it('should refuse a request without a signed-in user with a typed library error', async () => {
      const app = await start();
      const refused = app.get(LarkUserTokens).withUser({});

      await expect(refused).rejects.toBeInstanceOf(FeishuTokenRefError);
      await expect(refused).rejects.toThrow(/request\.feishu is missing/);
    });

    it('should refresh a user token Feishu revoked and retry the user call once', async () => {
      const app = await start({ refresh: { proactiveUserRefresh: false } });
      const user = emulator.users[0]!;
      await signInWithoutBrowser(app, emulator, user.openId);
      const options = await app.get(LarkUserTokens).withUser(user.openId);
      emulator.invalidateToken(await app.get(TokenService).getUserAccessToken(user.openId));

      const result = await primaryCalendar(app, options);

      expect(result.data?.calendars?.[0]?.user_id).toBe(user.openId);
      expect(emulator.stats()['openapi.calendar.primary']).toBe(2);
      expect(emulator.stats()['token.v2.refresh_token']).toBe(1);
    });
  });

  it("should fail a store app's SDK call with TokenService's typed error while no app_ticket has arrived, the SDK asking Feishu for nothing itself", async () => {
    const registered = emulator.apps.find((candidate) => candidate.appId === STORE_APP.appId)!;
    const app = await start({
      ...STORE_APP,
      appType: 'store',
      events: {
        encryptKey: registered.encryptKey,
        verificationToken: registered.verificationToken,
      },
    });
    const user = emulator.users.find((candidate) => candidate.tenantKey === 'tenant_emulator_2')!;

    await expect(
      app.get(Directory).findUser(emulator.openIdFor(STORE_APP.appId, user), 'tenant_emulator_2'),
    ).rejects.toBeInstanceOf(FeishuAppTicketUnavailableError);
    // One resend, FeishuAuthModule's (throttled); none from the SDK's own ticket manager.
    expect(emulator.stats()).toEqual({ 'app_ticket.resend': 1 });
  });

  describe('store app', () => {
    let storeApp: INestApplication;

    beforeEach(async () => {
      const registered = emulator.apps.find((candidate) => candidate.appId === STORE_APP.appId)!;
      storeApp = await start(
        {
          ...STORE_APP,
          appType: 'store',
          events: {
            encryptKey: registered.encryptKey,
            verificationToken: registered.verificationToken,
          },
        },
        { eventsPath: EVENTS_PATH },
      );
      await storeApp.listen(0, '127.0.0.1');
      const url = (await storeApp.getUrl()).replace('[::1]', '127.0.0.1');
      emulator.addApp({ ...registered, eventUrl: `${url}/${EVENTS_PATH}` });
      const delivery = await emulator.deliverAppTicket(STORE_APP.appId);
      if (!delivery.delivered) throw new Error('the app did not take the app_ticket');
    });

    it('should call with the tenant picked by withTenantKey, its token from TokenService', async () => {
      const user = emulator.users.find((candidate) => candidate.tenantKey === 'tenant_emulator_2')!;
      const openId = emulator.openIdFor(STORE_APP.appId, user);

      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          storeApp.get(Directory).findUser(openId, 'tenant_emulator_2'),
        ),
      );

      expect(results.every((result) => result.data?.user?.open_id === openId)).toBe(true);
      const stats = emulator.stats();
      expect(stats['app_ticket.resend']).toBeUndefined();
      expect(stats.app_access_token).toBe(1);
      expect(stats.tenant_access_token).toBe(1);
      expect(await storeApp.get(TokenService).getTenantAccessToken('tenant_emulator_2')).toMatch(
        /\S/,
      );
      expect(emulator.stats().tenant_access_token).toBe(1);
    });

    it('should keep two tenants apart', async () => {
      const [first, second] = ['tenant_emulator_1', 'tenant_emulator_2'].map((tenantKey) => {
        const user = emulator.users.find((candidate) => candidate.tenantKey === tenantKey)!;
        return { tenantKey, openId: emulator.openIdFor(STORE_APP.appId, user) };
      });

      const a = await storeApp.get(Directory).findUser(first!.openId, first!.tenantKey);
      const b = await storeApp.get(Directory).findUser(second!.openId, second!.tenantKey);

      expect([a.data?.user?.open_id, b.data?.user?.open_id]).toEqual([
        first!.openId,
        second!.openId,
      ]);
      expect(emulator.stats().tenant_access_token).toBe(2);
    });
  });
});
