import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CookieJar } from './cookie-jar.js';
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
  /** The library README's Jest configuration for this module system (docs/examples/getting-started/test). */
  jestConfig: 'jest-e2e.commonjs.json' | 'jest-e2e.esm.json';
  /**
   * The runners the getting-started e2e test runs under: Jest with `jestConfig`, and on Nest 12
   * Vitest as `nest new` 12 sets it up (`getting-started/vitest.config.e2e.ts` of the profile).
   */
  e2eRunners: readonly E2eRunner[];
}

export type E2eRunner = 'jest' | 'vitest';

export const CONSUMER_INSTALLS: readonly ConsumerInstall[] = [
  {
    profile: 'nest11-cjs',
    nest: 11,
    moduleSystem: 'CommonJS',
    jestConfig: 'jest-e2e.commonjs.json',
    e2eRunners: ['jest'],
  },
  {
    profile: 'nest12-esm',
    nest: 12,
    moduleSystem: 'ESM',
    jestConfig: 'jest-e2e.esm.json',
    e2eRunners: ['jest', 'vitest'],
  },
];

/** The library README's getting-started app and its e2e test, as a reader copies them. */
const GETTING_STARTED = fileURLToPath(
  new URL('../../docs/examples/getting-started', import.meta.url),
);

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
  await copyGettingStarted(install, join(appDir, 'getting-started'));
  await mkdir(join(appDir, 'packages'));
  for (const [name, path] of Object.entries(tarballs)) {
    await cp(path, join(appDir, 'packages', name));
  }
  await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: appDir,
    timeoutMs: 6 * MINUTE,
  });
}

/**
 * The README's getting-started files, verbatim, into `dir` (beside the consumer app, sharing its
 * node_modules): `src/`, `test/app.e2e-spec.ts`, and the README's Jest configuration for the
 * install's module system as `test/jest-e2e.json`, where `nest new` puts it.
 */
async function copyGettingStarted(install: ConsumerInstall, dir: string): Promise<void> {
  await cp(join(GETTING_STARTED, 'src'), join(dir, 'src'), { recursive: true });
  const test = join(GETTING_STARTED, 'test');
  await cp(join(test, 'app.e2e-spec.ts'), join(dir, 'test', 'app.e2e-spec.ts'));
  await cp(join(test, install.jestConfig), join(dir, 'test', 'jest-e2e.json'));
}

/** What Jest's and Vitest's `--reporter=json` / `--json` reports say. */
export interface E2eReport {
  numPassedTests: number;
  numFailedTests: number;
  success: boolean;
}

/**
 * Runs the getting-started e2e test as the README says: `jest --config ./test/jest-e2e.json` (with
 * `--experimental-vm-modules` for ESM), or `vitest run --config ./vitest.config.e2e.ts` (what
 * `npm run test:e2e` runs in a `nest new` 12 app); answers the runner's JSON report.
 */
export async function runGettingStartedE2e(
  appDir: string,
  install: ConsumerInstall,
  runner: E2eRunner,
): Promise<E2eReport> {
  const args =
    runner === 'jest'
      ? ['jest', '--config', './test/jest-e2e.json', '--json', '--ci']
      : ['vitest', 'run', '--config', './vitest.config.e2e.ts', '--reporter=json'];
  const esmJest = runner === 'jest' && install.moduleSystem === 'ESM';
  const { stdout } = await run('npx', args, {
    cwd: join(appDir, 'getting-started'),
    timeoutMs: 3 * MINUTE,
    env: cleanEnv(esmJest ? { NODE_OPTIONS: '--experimental-vm-modules' } : {}),
  });
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as E2eReport;
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

/**
 * What the matrix checks on each running app: login by redirect (session cookie) and by in-app code
 * (`X-Feishu-Session`), the guarded route (also through the official SDK's client), logout, and the host's `@Interval(100)` job running
 * 10 ± 2 times in one second.
 */
export async function checkConsumer({
  appUrl,
  redirectUri,
  feishu,
}: RunningConsumer): Promise<void> {
  const browser = new CookieJar();
  const visit = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { cookie: browser.header(), ...(init.headers as Record<string, string>) },
      signal: AbortSignal.timeout(15_000),
    });
    browser.store(response);
    return response;
  };
  const expectedMe = {
    openId: feishu.user.openId,
    name: feishu.user.name,
    tenantKey: feishu.user.tenantKey,
    userTokenOwner: feishu.user.openId,
    tenantTokenReads: feishu.user.name,
  };

  const anonymous = await visit(`${appUrl}/me`);
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toEqual(
    expect.objectContaining({ statusCode: 401, loginUrl: '/auth/feishu/login' }),
  );

  // The redirect login, with the session cookie.
  const login = await visit(`${appUrl}/auth/feishu/login`);
  expect(login.status).toBe(302);
  const authorize = new URL(login.headers.get('location') ?? '');
  expect(`${authorize.origin}${authorize.pathname}`).toBe(
    `${feishu.url}/open-apis/authen/v1/authorize`,
  );
  expect(authorize.searchParams.get('client_id')).toBe(feishu.appId);
  expect(authorize.searchParams.get('redirect_uri')).toBe(redirectUri);
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  authorize.searchParams.set('login_hint', feishu.user.openId);
  const consent = await visit(authorize.href);
  expect(consent.status).toBe(302);
  const signedIn = await visit(consent.headers.get('location') ?? '');
  expect(signedIn.status).toBe(302);
  expect(signedIn.headers.get('location')).toBe('/me');
  expect(browser.has('feishu_session')).toBe(true);
  const me = await visit(`${appUrl}/me`);
  expect(me.status).toBe(200);
  expect(await me.json()).toEqual(expectedMe);
  // The same two calls through the official SDK's client that FeishuLarkModule provides.
  const larkMe = await visit(`${appUrl}/lark/me`);
  expect(larkMe.status).toBe(200);
  expect(await larkMe.json()).toEqual(expectedMe);
  const sessionCookie = browser.header();
  const logout = await visit(`${appUrl}/auth/feishu/logout`, { method: 'POST' });
  expect(logout.status).toBe(204);
  expect(browser.has('feishu_session')).toBe(false);
  const replayed = await fetch(`${appUrl}/me`, { headers: { cookie: sessionCookie } });
  expect(replayed.status).toBe(401);

  // The in-app login, with a session token sent back as X-Feishu-Session.
  const codeLogin = await fetch(`${appUrl}/auth/feishu/code`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: await inAppCode(feishu), session: 'token' }),
  });
  expect(codeLogin.status).toBe(200);
  const { sessionToken, name } = (await codeLogin.json()) as { sessionToken: string; name: string };
  expect(name).toBe(feishu.user.name);
  const withToken = { 'x-feishu-session': sessionToken };
  const meByToken = await fetch(`${appUrl}/me`, { headers: withToken });
  expect(meByToken.status).toBe(200);
  expect(await meByToken.json()).toEqual(expectedMe);
  const tokenLogout = await fetch(`${appUrl}/auth/feishu/logout`, {
    method: 'POST',
    headers: withToken,
  });
  expect(tokenLogout.status).toBe(204);
  expect((await fetch(`${appUrl}/me`, { headers: withToken })).status).toBe(401);

  // The host's own scheduled job runs once per interval, not twice.
  const heartbeat = await fetch(`${appUrl}/heartbeat/second`);
  const { runs } = (await heartbeat.json()) as { runs: number };
  expect(runs).toBeGreaterThanOrEqual(8);
  expect(runs).toBeLessThanOrEqual(12);
}
