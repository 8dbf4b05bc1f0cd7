import type { FeishuAuthModuleOptions, FeishuTokenStore } from '@feishu-auth/nestjs';

/** The emulator's default self-built app. */
export const SELF_BUILT = {
  appId: 'cli_emulator_selfbuilt',
  appSecret: 'emulator-self-built-secret',
};

/** Registered for every default emulator app. */
export const REDIRECT_URI = 'http://127.0.0.1:3000/auth/feishu/callback';
export const SESSION_SECRET = 'bench-session-secret-0123456789abcdef';

/** Module options for an in-process app on the emulator; the scheduler interval is out of the way. */
export function benchOptions(
  emulatorUrl: string,
  extra: { store?: FeishuTokenStore; refresh?: FeishuAuthModuleOptions['refresh'] } = {},
): FeishuAuthModuleOptions {
  return {
    ...SELF_BUILT,
    domain: { open: emulatorUrl, accounts: emulatorUrl },
    redirectUri: REDIRECT_URI,
    session: { secret: SESSION_SECRET, secure: false },
    store: extra.store,
    refresh: { intervalMs: 3_600_000, ...extra.refresh },
  };
}

/** The environment of one instance-app process on the emulator (and Redis, when given). */
export function instanceEnv(
  emulatorUrl: string,
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  const env: Record<string, string | undefined> = {
    FEISHU_OPEN_URL: emulatorUrl,
    FEISHU_REDIRECT_URI: REDIRECT_URI,
    SESSION_SECRET,
    PORT: '0',
    ...extra,
  };
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
