import type { INestApplication } from '@nestjs/common';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { FeishuApiError, FeishuClient, TokenService } from '@feishu-auth/nestjs';
import { emulatorOptions, startCoreApp } from './helpers/feishu-core.helper.js';

/** A tenant-token OpenAPI call through FeishuClient. */
function readContact(
  app: INestApplication,
  openId: string,
): Promise<{ user: { open_id: string } }> {
  return app.get(FeishuClient).request('GET', `/open-apis/contact/v3/users/${openId}`, {
    token: 'tenant',
  });
}

const V3_GRANT = 'token.v3.client_credentials';
const INTERNAL = 'tenant_access_token.internal';

/** Self-built tenant tokens through grant_type=client_credentials on /oauth/v3/token. */
describe('TokenService with tenantToken.grant client_credentials (e2e, emulator)', () => {
  let emulator: FeishuEmulator;
  let app: INestApplication | undefined;

  beforeEach(async () => {
    emulator = await FeishuEmulator.start();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await emulator.close();
  });

  it.each(['client_secret_post', 'client_secret_basic'] as const)(
    'should fetch one JWT-format tenant token for 1,000 simultaneous cold callers (%s)',
    async (clientAuth) => {
      ({ app } = await startCoreApp(
        emulatorOptions(emulator, { tenantToken: { grant: 'client_credentials', clientAuth } }),
      ));

      const tokens = await Promise.all(
        Array.from({ length: 1000 }, () => app!.get(TokenService).getTenantAccessToken()),
      );

      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0]).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(emulator.stats()[V3_GRANT]).toBe(1);
      expect(emulator.stats()[INTERNAL]).toBeUndefined();
    },
  );

  it('should call an OpenAPI with the client_credentials token', async () => {
    ({ app } = await startCoreApp(
      emulatorOptions(emulator, { tenantToken: { grant: 'client_credentials' } }),
    ));
    const user = emulator.users[0]!;

    const data = await readContact(app, user.openId);

    expect(data.user.open_id).toBe(user.openId);
  });

  it('should drop a client_credentials token Feishu revoked and retry the call once with a new one', async () => {
    ({ app } = await startCoreApp(
      emulatorOptions(emulator, { tenantToken: { grant: 'client_credentials' } }),
    ));
    const tokens = app.get(TokenService);
    const revoked = await tokens.getTenantAccessToken();
    emulator.invalidateToken(revoked);
    const user = emulator.users[0]!;

    const data = await readContact(app, user.openId);

    expect(data.user.open_id).toBe(user.openId);
    expect(await tokens.getTenantAccessToken()).not.toBe(revoked);
    expect(emulator.stats()[V3_GRANT]).toBe(2);
    expect(emulator.stats()['openapi.contact.user']).toBe(2);
  });

  it('should report a wrong secret as a Feishu config error without the secret in it', async () => {
    ({ app } = await startCoreApp(
      emulatorOptions(emulator, {
        appSecret: 'wrong-secret-0123456789',
        tenantToken: { grant: 'client_credentials', clientAuth: 'client_secret_basic' },
      }),
    ));

    const error = await app
      .get(TokenService)
      .getTenantAccessToken()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(FeishuApiError);
    expect((error as FeishuApiError).code).toBe(20002);
    expect((error as FeishuApiError).kind).toBe('config');
    expect(JSON.stringify(error) + (error as Error).message).not.toContain('wrong-secret');
  });
});
