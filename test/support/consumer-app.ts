import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cleanEnv, freePort, run, startBackground, type Background } from './processes.helper.js';

const MINUTE = 60_000;

/**
 * One install of the consumer app (test/fixtures/consumer-app): a Nest major with its module
 * system, both HTTP platforms installed; the platform is chosen at boot (`HTTP_PLATFORM`).
 */
export interface ConsumerInstall {
  /** The folder of test/fixtures/consumer-app/profiles that holds its package.json and tsconfig. */
  profile: 'nest11-cjs' | 'nest12-esm';
  nest: 11 | 12;
  moduleSystem: 'CommonJS' | 'ESM';
}

export const CONSUMER_INSTALLS: readonly ConsumerInstall[] = [
  { profile: 'nest11-cjs', nest: 11, moduleSystem: 'CommonJS' },
  { profile: 'nest12-esm', nest: 12, moduleSystem: 'ESM' },
];

/** The tarballs to install, by the file name the fixture's package.json gives them. */
export type Tarballs = Record<string, string>;

/**
 * Copies the fixture's sources and the profile's package.json and tsconfig into `appDir` (outside
 * the repository), puts the tarballs in `packages/`, and runs `npm install`.
 */
export async function installConsumerApp(
  fixtureDir: string,
  install: ConsumerInstall,
  appDir: string,
  tarballs: Tarballs,
): Promise<void> {
  await cp(join(fixtureDir, 'src'), join(appDir, 'src'), { recursive: true });
  await cp(join(fixtureDir, 'profiles', install.profile), appDir, { recursive: true });
  await mkdir(join(appDir, 'packages'));
  for (const [name, path] of Object.entries(tarballs)) {
    await cp(path, join(appDir, 'packages', name));
  }
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: appDir,
    timeoutMs: 6 * MINUTE,
  });
}

/** What the consumer's `dist/emulator.js` prints once it listens. */
export interface EmulatorInfo {
  url: string;
  appId: string;
  appSecret: string;
  user: { openId: string; name: string; tenantKey: string };
}

export interface RunningConsumer {
  appUrl: string;
  redirectUri: string;
  feishu: EmulatorInfo;
  stop(): Promise<void>;
}

/** Starts the packed emulator and the compiled app on `platform`, both from `appDir`. */
export async function startConsumerApp(
  appDir: string,
  platform: 'express' | 'fastify',
): Promise<RunningConsumer> {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const redirectUri = `${appUrl}/auth/feishu/callback`;
  const processes: Background[] = [];
  const stop = () => Promise.all(processes.map((process) => process.stop())).then(() => undefined);
  try {
    const emulator = await startBackground('node', ['dist/emulator.js'], {
      cwd: appDir,
      env: cleanEnv({ REDIRECT_URI: redirectUri }),
      timeoutMs: 30_000,
      ready: /^EMULATOR (\{.*\})$/m,
    });
    processes.push(emulator.process);
    const feishu = JSON.parse(emulator.match[1] ?? '{}') as EmulatorInfo;
    const app = await startBackground('node', ['dist/main.js'], {
      cwd: appDir,
      env: cleanEnv({
        NODE_ENV: 'test',
        HTTP_PLATFORM: platform,
        PORT: String(port),
        FEISHU_BASE_URL: feishu.url,
        FEISHU_APP_ID: feishu.appId,
        FEISHU_APP_SECRET: feishu.appSecret,
        FEISHU_REDIRECT_URI: redirectUri,
        SESSION_SECRET: 'consumer-app-session-secret-of-32-chars',
      }),
      timeoutMs: 30_000,
      ready: /consumer-app listening on/,
    });
    processes.push(app.process);
    return { appUrl, redirectUri, feishu, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** An authorization code as the Feishu client's `requestAccess` JSAPI hands it (emulator control API). */
export async function inAppCode(feishu: EmulatorInfo): Promise<string> {
  const response = await fetch(`${feishu.url}/__emulator/issue-code`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ appId: feishu.appId, openId: feishu.user.openId }),
  });
  const body = (await response.json()) as { code?: string };
  if (body.code === undefined) throw new Error(`issue-code answered ${response.status}`);
  return body.code;
}
