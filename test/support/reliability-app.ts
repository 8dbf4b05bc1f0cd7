import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { FeishuEmulator } from '@feishu-auth/emulator';
import type { FeishuAuthModuleOptions } from '@feishu-auth/nestjs';
import { createTestApp } from './login-app.js';
import type { CookieJar } from './cookie-jar.js';
import type { HttpPlatform } from './http-platform.js';
import { SELF_BUILT, SESSION_SECRET } from './core-app.js';
import { SecretWatch } from './secret-watch.js';

export const LOGIN_URL = '/auth/feishu/login';
/** Retries after the first attempt in the fault tests: every failing call is made exactly 3 times. */
export const RETRIES = 2;
export const ATTEMPTS = RETRIES + 1;
/** Short enough to keep the timeout tests quick, long enough for a loaded CI machine. */
export const TIMEOUT_MS = 400;

/** The DESIGN.md test app on the emulator, logging through `watch`, with fast bounded retries. */
export function startReliabilityApp(
  emulator: FeishuEmulator,
  watch: SecretWatch,
  overrides: Partial<FeishuAuthModuleOptions>,
  platform: HttpPlatform = 'express',
): Promise<INestApplication> {
  return createTestApp({
    emulator,
    platform,
    logger: watch,
    overrides: {
      http: { retries: RETRIES, retryBaseDelayMs: 1, retryMaxDelayMs: 5, timeoutMs: TIMEOUT_MS },
      refresh: { proactiveUserRefresh: false },
      ...overrides,
    },
  });
}

/** A GET as the browser holding `jar`. */
export function browserGet(app: INestApplication, path: string, jar?: CookieJar): request.Test {
  const call = request(app.getHttpServer()).get(path);
  return jar === undefined ? call : call.set('Cookie', jar.header());
}

/** An error answer a client can act on: JSON, the status in the body, no stack, no token. */
export function expectJsonError(response: request.Response, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/application\/json/);
  expect(response.body).toMatchObject({ statusCode: status });
  expect(JSON.stringify(response.body)).not.toMatch(/eyJ|\bat .*\.(ts|js):\d+|stack/);
}

/** Collects unhandled rejections from `install()` to `uninstall()`. */
export class UnhandledRejections {
  readonly seen: unknown[] = [];
  private readonly listener = (reason: unknown) => this.seen.push(reason);

  install(): void {
    process.on('unhandledRejection', this.listener);
  }

  uninstall(): void {
    process.off('unhandledRejection', this.listener);
  }

  /** Lets pending promise jobs and timers of the last request run, then throws if any was seen. */
  async assertNone(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (this.seen.length > 0) {
      const reasons = this.seen.splice(0).map((reason) => String(reason));
      throw new Error(`unhandled rejections: ${reasons.join('; ')}`);
    }
  }
}

/** Replaces C0 controls (but tab) and DEL, which a raw client cannot put in a header line. */
export function withoutControlCharacters(text: string, replacement = ''): string {
  return [...text]
    .map((char) => {
      const code = char.charCodeAt(0);
      return code === 9 || (code >= 32 && code !== 127) ? char : replacement;
    })
    .join('');
}

/**
 * The secret watch (console included) and the unhandled-rejection collector of a reliability
 * suite, on from before its first test to after its last.
 */
export function watchedSuite(): { watch: SecretWatch; unhandled: UnhandledRejections } {
  const watch = new SecretWatch(SELF_BUILT.appSecret, SESSION_SECRET);
  const unhandled = new UnhandledRejections();
  beforeAll(() => {
    unhandled.install();
    watch.watchConsole();
  });
  afterAll(() => {
    watch.stopConsole();
    unhandled.uninstall();
  });
  return { watch, unhandled };
}
