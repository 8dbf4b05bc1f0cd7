import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import lark from '@larksuiteoapi/node-sdk';
import { FeishuEmulator } from '@feishu-auth/emulator';

/** The official Node SDK, pointed at the emulator, gets tenant tokens and calls an OpenAPI route. */
describe('FeishuEmulator with @larksuiteoapi/node-sdk', () => {
  let emulator: FeishuEmulator;
  let eventServer: Server | undefined;

  beforeEach(async () => {
    emulator = await FeishuEmulator.start();
  });

  afterEach(async () => {
    await emulator.close();
    if (eventServer) await new Promise((resolve) => eventServer!.close(resolve));
    eventServer = undefined;
  });

  it('should let a self-built app get a tenant token and read a user', async () => {
    const app = emulator.apps.find((candidate) => candidate.appId === 'cli_emulator_selfbuilt')!;
    const user = emulator.users[0];
    const client = new lark.Client({
      appId: app.appId,
      appSecret: app.appSecret,
      domain: emulator.url,
      loggerLevel: lark.LoggerLevel.error,
    });

    const result = await client.contact.v3.user.get({
      path: { user_id: user.openId },
      params: { user_id_type: 'open_id' },
    });

    expect(result.code).toBe(0);
    expect(result.data?.user?.name).toBe(user.name);
    expect(emulator.stats()).toEqual({
      'tenant_access_token.internal': 1,
      'openapi.contact.user': 1,
    });
  });

  it('should let a store app receive the app_ticket through EventDispatcher and get a per-tenant token', async () => {
    const store = emulator.apps.find((candidate) => candidate.appId === 'cli_emulator_store')!;
    const dispatcher = new lark.EventDispatcher({
      encryptKey: store.encryptKey,
      verificationToken: store.verificationToken,
      loggerLevel: lark.LoggerLevel.error,
    });
    eventServer = createServer(lark.adaptDefault('/webhook/event', dispatcher));
    await new Promise<void>((resolve) => eventServer!.listen(0, '127.0.0.1', resolve));
    const { port } = eventServer.address() as AddressInfo;
    emulator.addApp({ ...store, eventUrl: `http://127.0.0.1:${port}/webhook/event` });

    const delivery = await emulator.deliverAppTicket(store.appId);
    expect(delivery).toEqual({ delivered: true, status: 200 });

    const client = new lark.Client({
      appId: store.appId,
      appSecret: store.appSecret,
      appType: lark.AppType.ISV,
      domain: emulator.url,
      loggerLevel: lark.LoggerLevel.error,
    });
    const secondTenantUser = emulator.users.find((user) => user.tenantKey === 'tenant_emulator_2')!;
    // open_id is per app: the store app names the user by its own id.
    const openId = emulator.openIdFor(store.appId, secondTenantUser);
    const result = await client.contact.v3.user.get(
      { path: { user_id: openId }, params: { user_id_type: 'open_id' } },
      lark.withTenantKey('tenant_emulator_2'),
    );

    expect(result.code).toBe(0);
    expect(result.data?.user?.open_id).toBe(openId);
    const stats = emulator.stats();
    expect(stats.app_access_token).toBe(1);
    expect(stats.tenant_access_token).toBe(1);
    expect(stats['openapi.contact.user']).toBe(1);
  });
});
