import type { INestApplication } from '@nestjs/common';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { FeishuClient, TokenService } from '@feishu-auth/nestjs';
import { emulatorOptions, SELF_BUILT, startCoreApp } from './helpers/feishu-core.helper.js';

describe('TokenService app and tenant tokens (e2e, emulator)', () => {
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

  it('should reach Feishu exactly once for 1,000 simultaneous cold calls', async () => {
    ({ app } = await startCoreApp(emulatorOptions(emulator)));
    const tokens = app.get(TokenService);

    const results = await Promise.all(Array.from({ length: 1000 }, () => tokens.getTenantAccessToken()));

    expect(new Set(results).size).toBe(1);
    expect(emulator.stats()['tenant_access_token.internal']).toBe(1);
  });

  it('should share one app token fetch between simultaneous callers', async () => {
    ({ app } = await startCoreApp(emulatorOptions(emulator)));
    const tokens = app.get(TokenService);

    const results = await Promise.all(Array.from({ length: 200 }, () => tokens.getAppAccessToken()));

    expect(new Set(results).size).toBe(1);
    expect(emulator.stats()['app_access_token.internal']).toBe(1);
  });

  it('should call an OpenAPI with the tenant token and resolve to its data', async () => {
    ({ app } = await startCoreApp(emulatorOptions(emulator)));
    const user = emulator.users[0]!;

    const data = await app.get(FeishuClient).request<{ user: { open_id: string } }>(
      'GET',
      `/open-apis/contact/v3/users/${user.openId}`,
      { token: 'tenant' },
    );

    expect(data.user.open_id).toBe(user.openId);
    expect(SELF_BUILT.appId).toBe(emulator.apps[0]!.appId);
  });
});
