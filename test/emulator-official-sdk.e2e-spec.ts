import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import lark from '@larksuiteoapi/node-sdk';
import { emulatorPerTest } from './support/emulator-per-test.js';

/**
 * The official Node SDK, pointed at the emulator, gets its own tokens and makes the calls apps
 * make; the emulator's records show what it sent.
 */
const keyOf = (key: unknown, namespace = '') => `${namespace}/${String(key)}`;

/**
 * The SDK's default token cache is one per process, keyed by app id: a token cached from the
 * previous test's emulator would be sent to this one. Each client gets its own.
 */
function ownCache() {
  const entries = new Map<string, unknown>();
  return {
    get: async (key: unknown, options?: { namespace?: string }) =>
      entries.get(keyOf(key, options?.namespace)),
    set: async (
      key: unknown,
      value: unknown,
      _expire?: number,
      options?: { namespace?: string },
    ) => {
      entries.set(keyOf(key, options?.namespace), value);
      return true;
    },
  };
}

describe('FeishuEmulator with @larksuiteoapi/node-sdk', () => {
  const fixture = emulatorPerTest();
  let eventServer: Server | undefined;

  afterEach(async () => {
    if (eventServer) await new Promise((resolve) => eventServer!.close(resolve));
    eventServer = undefined;
  });

  const selfBuiltClient = () => {
    const app = fixture.emulator.apps.find(
      (candidate) => candidate.appId === 'cli_emulator_selfbuilt',
    )!;
    return new lark.Client({
      appId: app.appId,
      appSecret: app.appSecret,
      domain: fixture.emulator.url,
      oauthBaseUrl: fixture.emulator.url,
      cache: ownCache(),
      loggerLevel: lark.LoggerLevel.fatal,
    });
  };

  it('should let a self-built app query its tenant with the tenant token it fetched', async () => {
    const result = await selfBuiltClient().tenant.v2.tenant.query();

    expect(result).toMatchObject({
      code: 0,
      data: { tenant: { name: 'Emulator Tenant One', tenant_key: 'tenant_emulator_1' } },
    });
    expect(fixture.emulator.stats()).toEqual({
      'tenant_access_token.internal': 1,
      'openapi.tenant.query': 1,
    });
  });

  it('should exchange a code on the v3 endpoint and call user APIs with withUserAccessToken', async () => {
    const client = selfBuiltClient();
    const [user] = fixture.emulator.users;
    const code = fixture.emulator.issueAuthorizationCode({
      appId: 'cli_emulator_selfbuilt',
      openId: user.openId,
    });
    const { accessToken } = await client.accessToken.retrieveByAuthorizationCode({ code });

    const info = await client.authen.userInfo.get({}, lark.withUserAccessToken(accessToken));
    const contact = await client.contact.v3.user.get(
      { path: { user_id: user.unionId }, params: { user_id_type: 'union_id' } },
      lark.withUserAccessToken(accessToken),
    );

    expect(info.data).toMatchObject({ open_id: user.openId, name: user.name });
    expect(contact.data?.user).toMatchObject({ open_id: user.openId });
    // The user token was used on its own: the SDK fetched no tenant token.
    expect(fixture.emulator.stats()).toEqual({
      'token.v3.authorization_code': 1,
      user_info: 1,
      'openapi.contact.user': 1,
    });
  });

  it('should send a text message with im.message.create, kept by the emulator', async () => {
    const [, receiver] = fixture.emulator.users;
    const result = await selfBuiltClient().im.message.create({
      params: { receive_id_type: 'open_id' },
      data: {
        receive_id: receiver.openId,
        msg_type: 'text',
        content: JSON.stringify({ text: 'hi' }),
      },
    });

    expect(result.code).toBe(0);
    expect(fixture.emulator.sentMessages()).toEqual([
      expect.objectContaining({
        messageId: result.data?.message_id,
        appId: 'cli_emulator_selfbuilt',
        receiverOpenId: receiver.openId,
        msgType: 'text',
        content: '{"text":"hi"}',
        sender: { type: 'app', id: 'cli_emulator_selfbuilt' },
      }),
    ]);
  });

  it('should reject a text message whose content is not {"text": …} with HTTP 400 230001', async () => {
    const sending = selfBuiltClient().im.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: fixture.emulator.users[0].openId, msg_type: 'text', content: 'hi' },
    });

    await expect(sending).rejects.toMatchObject({
      response: { status: 400, data: { code: 230001 } },
    });
    expect(fixture.emulator.sentMessages()).toEqual([]);
  });

  it("should serve a programmable route to the SDK's generic request and log what it sent", async () => {
    const tasks = fixture.emulator.route('POST', '/open-apis/task/v2/tasks', (call) => ({
      task: { guid: 'task-1', summary: call.body.summary },
    }));

    const result = await selfBuiltClient().request<{ data: { task: { guid: string } } }>({
      method: 'POST',
      url: '/open-apis/task/v2/tasks',
      data: { summary: 'Write the report' },
    });

    expect(result.data.task.guid).toBe('task-1');
    expect(tasks.calls).toEqual([
      expect.objectContaining({ tokenType: 'tenant', body: { summary: 'Write the report' } }),
    ]);
  });

  it('should let a self-built app get a tenant token and read a user', async () => {
    const app = fixture.emulator.apps.find(
      (candidate) => candidate.appId === 'cli_emulator_selfbuilt',
    )!;
    const user = fixture.emulator.users[0];
    const client = new lark.Client({
      appId: app.appId,
      appSecret: app.appSecret,
      domain: fixture.emulator.url,
      cache: ownCache(),
      loggerLevel: lark.LoggerLevel.error,
    });

    const result = await client.contact.v3.user.get({
      path: { user_id: user.openId },
      params: { user_id_type: 'open_id' },
    });

    expect(result.code).toBe(0);
    expect(result.data?.user?.name).toBe(user.name);
    expect(fixture.emulator.stats()).toEqual({
      'tenant_access_token.internal': 1,
      'openapi.contact.user': 1,
    });
  });

  it('should let a store app receive the app_ticket through EventDispatcher and get a per-tenant token for contact and tenant queries', async () => {
    const store = fixture.emulator.apps.find(
      (candidate) => candidate.appId === 'cli_emulator_store',
    )!;
    // The app_ticket the dispatcher receives is read by the client from the same cache.
    const cache = ownCache();
    const dispatcher = new lark.EventDispatcher({
      cache,
      encryptKey: store.encryptKey,
      verificationToken: store.verificationToken,
      loggerLevel: lark.LoggerLevel.error,
    });
    eventServer = createServer(lark.adaptDefault('/webhook/event', dispatcher));
    await new Promise<void>((resolve) => eventServer!.listen(0, '127.0.0.1', resolve));
    const { port } = eventServer.address() as AddressInfo;
    fixture.emulator.addApp({ ...store, eventUrl: `http://127.0.0.1:${port}/webhook/event` });

    const delivery = await fixture.emulator.deliverAppTicket(store.appId);
    expect(delivery).toEqual({ delivered: true, status: 200 });

    const client = new lark.Client({
      appId: store.appId,
      appSecret: store.appSecret,
      appType: lark.AppType.ISV,
      domain: fixture.emulator.url,
      cache,
      loggerLevel: lark.LoggerLevel.error,
    });
    const secondTenantUser = fixture.emulator.users.find(
      (user) => user.tenantKey === 'tenant_emulator_2',
    )!;
    // open_id is per app: the store app names the user by its own id.
    const openId = fixture.emulator.openIdFor(store.appId, secondTenantUser);
    const result = await client.contact.v3.user.get(
      { path: { user_id: openId }, params: { user_id_type: 'open_id' } },
      lark.withTenantKey('tenant_emulator_2'),
    );

    const tenant = await client.tenant.v2.tenant.query({}, lark.withTenantKey('tenant_emulator_2'));

    expect(result.code).toBe(0);
    expect(result.data?.user?.open_id).toBe(openId);
    expect(tenant.data?.tenant?.tenant_key).toBe('tenant_emulator_2');
    const stats = fixture.emulator.stats();
    expect(stats.app_access_token).toBe(1);
    expect(stats.tenant_access_token).toBe(1);
    expect(stats['openapi.contact.user']).toBe(1);
    expect(stats['openapi.tenant.query']).toBe(1);
  });
});
