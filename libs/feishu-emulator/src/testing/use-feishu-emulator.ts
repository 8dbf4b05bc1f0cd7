import { FeishuEmulatorKit, type FeishuEmulatorKitOptions } from './feishu-emulator.kit.js';

type SuiteHook = (fn: () => Promise<void>, timeout?: number) => void;

/**
 * A kit whose emulator starts in `beforeAll` (on a free port) and stops in `afterAll` of the
 * current suite. Call it at the top of a `describe` (or of the file), before the `beforeAll` that
 * builds the app, which can then read `kit.moduleOptions()`. Needs the runner's `beforeAll` and
 * `afterAll` globals (Jest; Vitest with `globals: true`).
 * @publicApi
 */
export function useFeishuEmulator(options: FeishuEmulatorKitOptions = {}): FeishuEmulatorKit {
  const kit = new FeishuEmulatorKit(options);
  suiteHook('beforeAll')(() => kit.start());
  suiteHook('afterAll')(() => kit.close());
  return kit;
}

function suiteHook(name: 'beforeAll' | 'afterAll'): SuiteHook {
  const hook: unknown = (globalThis as Record<string, unknown>)[name];
  if (typeof hook !== 'function') {
    throw new Error(
      `useFeishuEmulator needs the test runner's global ${name}; without one, use FeishuEmulatorKit.start() and close()`,
    );
  }
  return hook as SuiteHook;
}
