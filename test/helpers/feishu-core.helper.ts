import { Test, type TestingModule } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { FeishuAuthModule, type FeishuAuthModuleOptions } from '@feishu-auth/nestjs';
import type { FeishuEmulator } from '@feishu-auth/emulator';

export const SELF_BUILT = {
  appId: 'cli_emulator_selfbuilt',
  appSecret: 'emulator-self-built-secret',
};
export const STORE_APP = { appId: 'cli_emulator_store', appSecret: 'emulator-store-secret' };
export const REDIRECT_URI = 'http://localhost:3000/auth/feishu/callback';
export const SESSION_SECRET = 'test-session-secret-0123456789';

/** Module options pointing at the emulator, with fast retries; `overrides` wins. */
export function emulatorOptions(
  emulator: FeishuEmulator,
  overrides: Partial<FeishuAuthModuleOptions> = {},
): FeishuAuthModuleOptions {
  return {
    ...SELF_BUILT,
    domain: { open: emulator.url, accounts: emulator.url },
    redirectUri: REDIRECT_URI,
    session: { secret: SESSION_SECRET },
    http: { retryBaseDelayMs: 1, retryMaxDelayMs: 5, timeoutMs: 5_000 },
    ...overrides,
  };
}

/** A Nest application with FeishuAuthModule only, initialised (lifecycle hooks run). */
export async function startCoreApp(
  options: FeishuAuthModuleOptions,
  extras: { eventsPath?: string } = {},
): Promise<{ app: INestApplication; moduleRef: TestingModule }> {
  const moduleRef = await Test.createTestingModule({
    imports: [FeishuAuthModule.forRoot({ ...options, ...extras })],
  }).compile();
  const app = moduleRef.createNestApplication({ rawBody: true, logger: false });
  await app.init();
  return { app, moduleRef };
}
