import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import {
  cleanEnv,
  startBackground,
  type Background,
} from '../../../test/support/processes.helper.js';
import { instanceEnv } from './app-options.js';
import { loginSession } from './login.js';

/** bench/dist/bench/src/support → the repository root. */
const FIXTURE = fileURLToPath(
  new URL('../../../../../test/fixtures/instance-app/', import.meta.url),
);

/** One running `test/fixtures/instance-app` process (built by `npm run bench` before the run). */
export interface InstanceApp {
  name: string;
  url: string;
  process: Background;
}

/** Starts one instance and resolves once it prints its ready line (as test/support/instance-app.ts does). */
async function startInstanceApp(name: string, env: Record<string, string>): Promise<InstanceApp> {
  const { process: background, match } = await startBackground(
    process.execPath,
    [join(FIXTURE, 'dist/main.js')],
    {
      cwd: FIXTURE,
      env: cleanEnv({ NODE_ENV: 'test', INSTANCE_NAME: name, ...env }),
      timeoutMs: 30_000,
      ready: /^INSTANCE READY (\{.*\})$/m,
    },
  );
  const { url } = JSON.parse(match[1] ?? '{}') as { url: string };
  return { name, url: url.replace('[::1]', '127.0.0.1'), process: background };
}

/** The emulator's first user. */
export const BENCH_USER = 'ou_78aeb5207746c1ae408063a8c9741149';

/** Token lifetimes and margins short enough for a renewal of every token every ~3 s. */
export const SHORT_LIFETIMES = { accessToken: 4, appToken: 4 };
export const FAST_RENEWAL_ENV = {
  FEISHU_REFRESH_INTERVAL_MS: '100',
  FEISHU_APP_TOKEN_MARGIN_SECONDS: '1',
  FEISHU_USER_TOKEN_MARGIN_SECONDS: '1',
};

/** `TokenService.status()` of an instance, through its `/token-status` route. */
export interface InstanceStatus {
  refreshes: { app: number; tenant: number; user: number };
  proactiveRefreshes: number;
  callerWaits: number;
  failures: Record<string, number>;
}

export async function tokenStatus(instance: InstanceApp): Promise<InstanceStatus> {
  const response = await fetch(`${instance.url}/token-status`);
  if (!response.ok) throw new Error(`${instance.name} /token-status answered ${response.status}`);
  return (await response.json()) as InstanceStatus;
}

/** Starts `count` instance-app processes on the emulator (and Redis when `redisUrl` is given). */
export async function startInstances(
  count: number,
  prefix: string,
  emulatorUrl: string,
  extra: Record<string, string | undefined> = {},
): Promise<InstanceApp[]> {
  const started: InstanceApp[] = [];
  for (let index = 0; index < count; index++) {
    started.push(await startInstanceApp(`${prefix}-${index}`, instanceEnv(emulatorUrl, extra)));
  }
  return started;
}

export async function stopInstances(instances: InstanceApp[]): Promise<void> {
  await Promise.all(instances.map((instance) => instance.process.stop()));
}

/** Signs the bench user in on `instance` and checks that `/me` answers. */
export async function signedInCookie(instance: InstanceApp): Promise<string> {
  const cookie = await loginSession(instance.url, BENCH_USER);
  const me = await fetch(`${instance.url}/me`, { headers: { cookie } });
  if (me.status !== 200) throw new Error(`${instance.name} /me answered ${me.status}`);
  return cookie;
}

export async function flushRedis(url: string): Promise<void> {
  const redis = new Redis(url);
  try {
    await redis.flushall();
  } finally {
    redis.disconnect();
  }
}
