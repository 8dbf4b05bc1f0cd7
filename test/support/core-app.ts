import { Test, type TestingModule } from '@nestjs/testing';
import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import {
  FeishuAuthModule,
  FeishuOAuthClient,
  TokenService,
  type FeishuAuthModuleOptions,
  type FeishuUserTokenRecord,
} from '@feishu-auth/nestjs';
import type { FeishuEmulator } from '@feishu-auth/emulator';
import { createPlatformApp, type HttpPlatform } from './http-platform.js';

export const SELF_BUILT = {
  appId: 'cli_emulator_selfbuilt',
  appSecret: 'emulator-self-built-secret',
};
export const NO_OFFLINE = {
  appId: 'cli_emulator_nooffline',
  appSecret: 'emulator-nooffline-secret',
};
export const STORE_APP = { appId: 'cli_emulator_store', appSecret: 'emulator-store-secret' };
/** Registered for every default emulator app. */
export const REDIRECT_URI = 'http://localhost:3000/auth/feishu/callback';
export const SESSION_SECRET = 'test-session-secret-0123456789abcdef';

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
  extras: {
    eventsPath?: string;
    platform?: HttpPlatform;
    /** Default `{ rawBody: true, logger: false }`. */
    app?: NestApplicationOptions;
  } = {},
): Promise<{ app: INestApplication; moduleRef: TestingModule }> {
  const { platform = 'express', app: appOptions, ...moduleExtras } = extras;
  const moduleRef = await Test.createTestingModule({
    imports: [FeishuAuthModule.forRoot({ ...options, ...moduleExtras })],
  }).compile();
  const app = await createPlatformApp(
    moduleRef,
    platform,
    appOptions ?? { rawBody: true, logger: false },
  );
  return { app, moduleRef };
}

/** The emulator's store app with its events route (signed, encrypted) mounted at `/feishu/events`. */
export async function startStoreApp(
  emulator: FeishuEmulator,
  platform: HttpPlatform = 'express',
  appOptions?: NestApplicationOptions,
): Promise<{
  app: INestApplication;
  storeApp: FeishuEmulator['apps'][number];
  encryptKey: string;
  verificationToken: string;
}> {
  const storeApp = emulator.apps.find((candidate) => candidate.appId === STORE_APP.appId)!;
  const encryptKey = storeApp.encryptKey!;
  const verificationToken = storeApp.verificationToken;
  const { app } = await startCoreApp(
    emulatorOptions(emulator, {
      ...STORE_APP,
      appType: 'store',
      events: { encryptKey, verificationToken },
    }),
    { eventsPath: STORE_EVENTS_PATH, platform, app: appOptions },
  );
  return { app, storeApp, encryptKey, verificationToken };
}

export const STORE_EVENTS_PATH = 'feishu/events';

/**
 * Signs `openId` in on `app` without a browser: a code from the emulator (with offline_access),
 * exchanged by the app's OAuth client, the tokens saved by its TokenService.
 */
export async function signInWithoutBrowser(
  app: INestApplication,
  emulator: FeishuEmulator,
  openId: string,
  appId = SELF_BUILT.appId,
): Promise<FeishuUserTokenRecord> {
  const code = emulator.issueAuthorizationCode({
    appId,
    openId,
    scopes: ['offline_access'],
    redirectUri: REDIRECT_URI,
  });
  const oauth = app.get(FeishuOAuthClient);
  const tokens = await oauth.exchangeCode({ code });
  const profile = await oauth.getUserInfo(tokens.accessToken);
  return app.get(TokenService).saveUserTokens(profile, tokens);
}
