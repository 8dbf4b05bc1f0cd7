import { createServer } from 'node:net';
import type { INestApplication, LoggerService, LogLevel, ModuleMetadata } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { FeishuEmulator } from '@feishu-auth/emulator';
import { AppModule } from './app.module.js';
import { DemoConfigModule, type DemoConfigSource } from './demo-config.module.js';
import { DemoConfigError, type DemoConfig, type DemoRealTarget } from './demo.config.js';
import {
  DEMO_EMULATOR_LIFETIMES,
  DEMO_EMULATOR_REFRESH,
  DEMO_REAL_REFRESH,
  type DemoSettings,
} from './demo.settings.js';
import { PORT_IN_USE } from './demo.messages.js';

/** The emulator's default self-built app, which the demo signs in with. */
const EMULATOR_APP_ID = 'cli_emulator_selfbuilt';

/** How to start the demo; the variables come from `source` (`DemoConfigSource`). */
export interface StartDemoOptions extends DemoConfigSource {
  /** Overrides PORT; 0 picks a free port. */
  port?: number;
  /** Overrides FEISHU_EMULATOR_PORT; 0 picks a free port. */
  emulatorPort?: number;
  /** Where the start-up banner goes. Default `console.log`. */
  print?: (line: string) => void;
  /** Nest's logger. Default Nest's console logger. */
  logger?: LoggerService | LogLevel[] | false;
  /** Modules added to the demo's (`main.ts`: `DemoRateLimitsModule`). */
  imports?: NonNullable<ModuleMetadata['imports']>;
}

export interface RunningDemo {
  app: INestApplication;
  /** Where a person opens the demo, e.g. `http://localhost:3000`. */
  url: string;
  /** The embedded emulator; `undefined` on real Feishu. */
  emulator?: FeishuEmulator;
  config: DemoConfig;
  /** Stops the demo, then the emulator it started. */
  close(): Promise<void>;
}

/**
 * Starts the demo: on the embedded emulator when no real Feishu configuration is given, else on
 * real Feishu / Lark. Prints where to go and who can sign in. `main.ts` and the tests share it.

 */
export async function startDemo(options: StartDemoOptions = {}): Promise<RunningDemo> {
  const config = await readDemoConfig(options);
  const print = options.print ?? ((line: string) => console.log(line));
  const port = await resolvePort(options.port ?? config.port, 'demo', 'PORT');
  // On real Feishu the browser must use the registered redirect URI's host, or the login state
  // cookie would not come back with the callback.
  const origin =
    config.target.kind === 'real'
      ? new URL(config.target.redirectUri).origin
      : `http://localhost:${port}`;
  const emulator =
    config.target.kind === 'emulator'
      ? await startEmbeddedEmulator(options.emulatorPort ?? config.target.port)
      : undefined;
  try {
    const settings = emulator
      ? emulatorSettings(config, emulator, `${origin}/auth/feishu/callback`)
      : realSettings(config, config.target as DemoRealTarget);
    if (emulator) {
      emulator.addRedirectUri(settings.appId, settings.redirectUri);
    }
    // abortOnError: false, so a bad configuration reaches the caller instead of exiting.
    const appOptions = { logger: options.logger, abortOnError: false };
    const module = AppModule.register(settings, options.imports);
    const app =
      config.platform === 'fastify'
        ? await NestFactory.create(module, new FastifyAdapter(), appOptions)
        : await NestFactory.create(module, appOptions);
    app.enableShutdownHooks();
    await listen(app, port);
    printBanner(print, origin, settings, emulator);
    return {
      app,
      url: origin,
      emulator,
      config,
      close: async () => {
        await app.close();
        await emulator?.close();
      },
    };
  } catch (error) {
    await emulator?.close();
    throw error;
  }
}

/**
 * The configuration comes first, through `ConfigModule` in a standalone application context: the
 * app's HTTP platform, port and Feishu target (an emulator to start) all depend on it.
 */
async function readDemoConfig(source: DemoConfigSource): Promise<DemoConfig> {
  const context = await NestFactory.createApplicationContext(
    DemoConfigModule.forRoot({ env: source.env, envFilePath: source.envFilePath }),
    { logger: false, abortOnError: false },
  );
  try {
    return context.get(ConfigService).getOrThrow<DemoConfig>('demo');
  } finally {
    await context.close();
  }
}

async function startEmbeddedEmulator(port: number): Promise<FeishuEmulator> {
  try {
    return await FeishuEmulator.start({ port, tokenLifetimes: DEMO_EMULATOR_LIFETIMES });
  } catch (error) {
    throw portError(error, 'embedded Feishu emulator', port, 'FEISHU_EMULATOR_PORT');
  }
}

function emulatorSettings(
  config: DemoConfig,
  emulator: FeishuEmulator,
  redirectUri: string,
): DemoSettings {
  const app =
    emulator.apps.find((candidate) => candidate.appId === EMULATOR_APP_ID) ??
    emulator.apps.find((candidate) => candidate.type === 'self-built')!;
  return {
    target: 'emulator',
    targetLabel: `embedded Feishu emulator at ${emulator.url}`,
    appId: app.appId,
    appSecret: app.appSecret,
    redirectUri,
    domain: { open: emulator.url, accounts: emulator.url },
    sessionSecret: config.sessionSecret,
    secureCookie: false,
    refresh: DEMO_EMULATOR_REFRESH,
    emulatorUrl: emulator.url,
  };
}

function realSettings(config: DemoConfig, target: DemoRealTarget): DemoSettings {
  return {
    target: 'real',
    targetLabel: target.domain === 'lark' ? 'real Lark (larksuite.com)' : 'real Feishu (feishu.cn)',
    appId: target.appId,
    appSecret: target.appSecret,
    redirectUri: target.redirectUri,
    domain: target.domain,
    sessionSecret: config.sessionSecret,
    secureCookie: target.redirectUri.startsWith('https:'),
    refresh: DEMO_REAL_REFRESH,
  };
}

/** Port 0 is resolved here, before the app exists, because the redirect URI must name the port. */
async function resolvePort(port: number, what: string, variable: string): Promise<number> {
  if (port !== 0) {
    return port;
  }
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') {
    throw new Error(`Could not pick a free port for the ${what} (${variable}).`);
  }
  return address.port;
}

async function listen(app: INestApplication, port: number): Promise<void> {
  try {
    await app.listen(port);
  } catch (error) {
    await app.close();
    throw portError(error, 'demo', port, 'PORT');
  }
}

function portError(error: unknown, what: string, port: number, variable: string): unknown {
  return (error as NodeJS.ErrnoException)?.code === 'EADDRINUSE'
    ? new DemoConfigError(PORT_IN_USE(what, port, variable))
    : error;
}

function printBanner(
  print: (line: string) => void,
  origin: string,
  settings: DemoSettings,
  emulator: FeishuEmulator | undefined,
): void {
  print('');
  print(`Feishu auth demo: running on the ${settings.targetLabel}.`);
  print(`Open ${origin} in your browser.`);
  if (emulator) {
    print('Test users (pick one on the emulator consent page):');
    for (const user of emulator.users) {
      print(`  - ${user.name} (${user.enName}): open_id ${user.openId}, tenant ${user.tenantKey}`);
    }
    print(
      `Tokens are short-lived here (user ${DEMO_EMULATOR_LIFETIMES.accessToken} s, ` +
        `app and tenant ${DEMO_EMULATOR_LIFETIMES.appToken} s): ` +
        `watch them renew at ${origin}/status`,
    );
    print('To use real Feishu instead, set FEISHU_APP_ID, FEISHU_APP_SECRET, FEISHU_REDIRECT_URI.');
  } else {
    print(`App ${settings.appId}; registered redirect URL must be ${settings.redirectUri}`);
    print(`Token status: ${origin}/status`);
  }
  print('');
}
