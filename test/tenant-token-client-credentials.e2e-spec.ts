import type { INestApplication } from '@nestjs/common';
import {
  FeishuApiError,
  type FeishuAuthModuleOptions,
  FeishuClient,
  TokenService,
} from '@feishu-auth/nestjs';
import { emulatorPerTest } from './support/emulator-per-test.js';
import { emulatorOptions, startCoreApp } from './support/core-app.js';

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
  const fixture = emulatorPerTest();

  async function start(
    overrides: Partial<FeishuAuthModuleOptions> = {},
  ): Promise<INestApplication> {
    const { app } = await startCoreApp(
      emulatorOptions(fixture.emulator, {
        tenantToken: { grant: 'client_credentials' },
        ...overrides,
      }),
    );
    fixture.app = app;
    return app;
  }

  it.each(['client_secret_post', 'client_secret_basic'] as const)(
    'should fetch one JWT-format tenant token for 1,000 simultaneous cold callers (%s)',
    async (clientAuth) => {
      const app = await start({ tenantToken: { grant: 'client_credentials', clientAuth } });

      const tokens = await Promise.all(
        Array.from({ length: 1000 }, () => app.get(TokenService).getTenantAccessToken()),
      );

      expect(new Set(tokens).size).toBe(1);
      expect(tokens[0]).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(fixture.emulator.stats()[V3_GRANT]).toBe(1);
      expect(fixture.emulator.stats()[INTERNAL]).toBeUndefined();
    },
  );

  it('should call an OpenAPI with the client_credentials token', async () => {
    const app = await start();
    const user = fixture.emulator.users[0]!;

    const data = await readContact(app, user.openId);

    expect(data.user.open_id).toBe(user.openId);
  });

  it('should drop a client_credentials token Feishu revoked and retry the call once with a new one', async () => {
    const app = await start();
    const tokens = app.get(TokenService);
    const revoked = await tokens.getTenantAccessToken();
    fixture.emulator.invalidateToken(revoked);
    const user = fixture.emulator.users[0]!;

    const data = await readContact(app, user.openId);

    expect(data.user.open_id).toBe(user.openId);
    expect(await tokens.getTenantAccessToken()).not.toBe(revoked);
    expect(fixture.emulator.stats()[V3_GRANT]).toBe(2);
    expect(fixture.emulator.stats()['openapi.contact.user']).toBe(2);
  });

  it('should report a wrong secret as a Feishu config error without the secret in it', async () => {
    const app = await start({
      appSecret: 'wrong-secret-0123456789',
      tenantToken: { grant: 'client_credentials', clientAuth: 'client_secret_basic' },
    });

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
