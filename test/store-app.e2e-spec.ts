import type { INestApplication } from '@nestjs/common';
import { FeishuEmulator, encryptEvent, signEvent } from '@feishu-auth/emulator';
import {
  FeishuAppTicketUnavailableError,
  FeishuAuthError,
  FeishuClient,
  FeishuTenantKeyRequiredError,
  FeishuTokenStore,
  TokenService,
} from '@feishu-auth/nestjs';
import { STORE_APP, STORE_EVENTS_PATH as EVENTS_PATH, startStoreApp } from './support/core-app.js';
import { eventually } from './support/polling.js';

const TENANT = 'tenant_emulator_1';

describe('Store app tokens through app_ticket (e2e, emulator pushing to a Nest app)', () => {
  let emulator: FeishuEmulator;
  let app: INestApplication;
  let eventsUrl: string;
  let encryptKey: string;
  let verificationToken: string;

  beforeEach(async () => {
    emulator = await FeishuEmulator.start();
    let storeApp: FeishuEmulator['apps'][number];
    ({ app, storeApp, encryptKey, verificationToken } = await startStoreApp(emulator));
    await app.listen(0, '127.0.0.1');
    eventsUrl = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/${EVENTS_PATH}`;
    emulator.addApp({ ...storeApp, eventUrl: eventsUrl });
  });

  afterEach(async () => {
    await app.close();
    await emulator.close();
  });

  it('should ask for a ticket, fail with a typed error while none has arrived, then get tenant tokens', async () => {
    const tokens = app.get(TokenService);
    const store = app.get<FeishuTokenStore>(FeishuTokenStore);

    await expect(tokens.getTenantAccessToken(TENANT)).rejects.toBeInstanceOf(
      FeishuAppTicketUnavailableError,
    );
    expect(emulator.stats()['app_ticket.resend']).toBe(1);

    await eventually(async () => (await store.getAppTicket(STORE_APP.appId)) !== undefined, {
      timeoutMs: 10_000,
    });
    const token = await tokens.getTenantAccessToken(TENANT);
    // open_id is per app: the store app names the user by its own id.
    const openId = emulator.openIdFor(STORE_APP.appId, emulator.users[0]!);
    const data = await app
      .get(FeishuClient)
      .request<{ user: { open_id: string } }>('GET', `/open-apis/contact/v3/users/${openId}`, {
        token: 'tenant',
        tenantKey: TENANT,
      });

    expect(token).toBeTruthy();
    expect(data.user.open_id).toBe(openId);
    expect(emulator.stats()['app_access_token']).toBe(1);
    expect(emulator.stats()['tenant_access_token']).toBe(1);
  });

  it('should keep tenants apart and require a tenant key for store apps', async () => {
    await emulator.pushAppTicket(STORE_APP.appId);
    const tokens = app.get(TokenService);

    const [first, second] = await Promise.all([
      tokens.getTenantAccessToken(TENANT),
      tokens.getTenantAccessToken('tenant_emulator_2'),
    ]);

    expect(first).not.toBe(second);
    expect(emulator.stats()['app_access_token']).toBe(1);
    expect(emulator.stats()['tenant_access_token']).toBe(2);
    await expect(tokens.getTenantAccessToken()).rejects.toThrow(/needs the tenant key/);
  });

  it('should refuse a tenant token without a tenant key with a typed library error', async () => {
    await emulator.pushAppTicket(STORE_APP.appId);
    const tokens = app.get(TokenService);
    const client = app.get(FeishuClient);

    const viaClient = client
      .request('GET', '/open-apis/contact/v3/users/ou_1', { token: 'tenant' })
      .catch((error: unknown) => error);

    await expect(tokens.getTenantAccessToken('')).rejects.toBeInstanceOf(
      FeishuTenantKeyRequiredError,
    );
    expect(await viaClient).toBeInstanceOf(FeishuTenantKeyRequiredError);
    expect(await viaClient).toBeInstanceOf(FeishuAuthError);
    expect(emulator.stats()['tenant_access_token'] ?? 0).toBe(0);
  });

  it('should request a resend when Feishu calls the stored ticket stale (10012)', async () => {
    await emulator.pushAppTicket(STORE_APP.appId);
    const store = app.get<FeishuTokenStore>(FeishuTokenStore);
    const fresh = await store.getAppTicket(STORE_APP.appId);
    await store.setAppTicket(STORE_APP.appId, 'stale-ticket', Date.now());

    await expect(app.get(TokenService).getTenantAccessToken(TENANT)).rejects.toBeInstanceOf(
      FeishuAppTicketUnavailableError,
    );

    expect(emulator.stats()['app_ticket.resend']).toBe(1);
    await eventually(
      async () => {
        const ticket = await store.getAppTicket(STORE_APP.appId);
        return ticket !== 'stale-ticket' && ticket !== fresh;
      },
      { timeoutMs: 10_000 },
    );
    await expect(app.get(TokenService).getTenantAccessToken(TENANT)).resolves.toBeTruthy();
  });

  it('should answer an encrypted URL verification with the challenge', async () => {
    const body = JSON.stringify({
      encrypt: encryptEvent(
        encryptKey,
        JSON.stringify({
          challenge: 'abc-123',
          token: verificationToken,
          type: 'url_verification',
        }),
      ),
    });

    const response = await fetch(eventsUrl, { method: 'POST', headers: signedHeaders(body), body });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: 'abc-123' });
  });

  it.each([
    [
      'a wrong signature',
      (body: string) => ({ ...signedHeaders(body), 'x-lark-signature': 'f'.repeat(64) }),
      401,
    ],
    ['no signature', () => ({ 'content-type': 'application/json' }), 401],
  ])('should refuse an event with %s', async (_name, headers, status) => {
    const body = JSON.stringify({
      encrypt: encryptEvent(
        encryptKey,
        JSON.stringify({
          token: verificationToken,
          type: 'event_callback',
          event: { type: 'app_ticket', app_id: STORE_APP.appId, app_ticket: 'forged' },
        }),
      ),
    });

    const response = await fetch(eventsUrl, { method: 'POST', headers: headers(body), body });

    expect(response.status).toBe(status);
    expect(
      await app.get<FeishuTokenStore>(FeishuTokenStore).getAppTicket(STORE_APP.appId),
    ).toBeUndefined();
  });

  it('should refuse an event whose verification token is wrong', async () => {
    const body = JSON.stringify({
      encrypt: encryptEvent(
        encryptKey,
        JSON.stringify({
          token: 'wrong',
          type: 'event_callback',
          event: { type: 'app_ticket', app_id: STORE_APP.appId, app_ticket: 'forged' },
        }),
      ),
    });

    const response = await fetch(eventsUrl, { method: 'POST', headers: signedHeaders(body), body });

    expect(response.status).toBe(401);
    expect(
      await app.get<FeishuTokenStore>(FeishuTokenStore).getAppTicket(STORE_APP.appId),
    ).toBeUndefined();
  });

  function signedHeaders(body: string): Record<string, string> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = 'nonce-1';
    return {
      'content-type': 'application/json',
      'x-lark-request-timestamp': timestamp,
      'x-lark-request-nonce': nonce,
      'x-lark-signature': signEvent(timestamp, nonce, encryptKey, body),
    };
  }
});
