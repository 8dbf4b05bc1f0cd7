import type { INestApplication } from '@nestjs/common';
import { FeishuEmulator } from '@feishu-auth/emulator';

/** The emulator of the running test, and the Nest app the test started (closed after it). */
export interface EmulatorFixture {
  emulator: FeishuEmulator;
  app?: INestApplication;
}

/**
 * Starts a fresh emulator before each test of the enclosing `describe` and closes it after, with
 * the app the test put in `fixture.app`.
 */
export function emulatorPerTest(): EmulatorFixture {
  const fixture = {} as EmulatorFixture;
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
