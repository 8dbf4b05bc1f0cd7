import type { INestApplication } from '@nestjs/common';
import { FeishuEmulator } from '@feishu-auth/emulator';
import type { FeishuAuthModuleOptions } from '@feishu-auth/nestjs';
import { startCoreApp } from './core-app.js';

/** The emulator of the running test, and the Nest app the test started (closed after it). */
export interface EmulatorFixture {
  emulator: FeishuEmulator;
  app?: INestApplication;
  /** `startCoreApp(options)`, kept in `app` so the fixture closes it after the test. */
  startApp(options: FeishuAuthModuleOptions): Promise<INestApplication>;
}

/**
 * Starts a fresh emulator before each test of the enclosing `describe` and closes it after, with
 * the app the test put in `fixture.app`.
 */
export function emulatorPerTest(): EmulatorFixture {
  const fixture = {
    async startApp(options: FeishuAuthModuleOptions): Promise<INestApplication> {
      ({ app: fixture.app } = await startCoreApp(options));
      return fixture.app!;
    },
  } as EmulatorFixture;
  beforeEach(async () => {
    fixture.emulator = await FeishuEmulator.start();
  });
  afterEach(async () => {
    await fixture.app?.close();
    fixture.app = undefined;
    await fixture.emulator.close();
  });
  return fixture;
}
