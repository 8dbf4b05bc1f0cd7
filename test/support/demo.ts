import { startDemo, type RunningDemo } from '../../apps/demo/src/demo.bootstrap.js';

/**
 * The demo on its own emulator, both on free ports, silent. `startDemo` registers the resulting
 * callback URL with the emulator it started (`emulator.addRedirectUri`), as demo.e2e-spec.ts checks.
 */
export function startQuietDemo(): Promise<RunningDemo> {
  return startDemo({ env: {}, port: 0, emulatorPort: 0, print: () => undefined, logger: false });
}
