import { FeishuEmulator, type FeishuEmulatorOptions } from '@feishu-auth/emulator';

/**
 * The emulator in a process of its own, so that it shares no event loop with the load generator
 * or the library under test. Options come as JSON in `EMULATOR_OPTIONS`; with `logRequests` each
 * answered request prints a line, which the runner timestamps to find renewal moments.
 */
const options = JSON.parse(process.env.EMULATOR_OPTIONS ?? '{}') as FeishuEmulatorOptions;
const emulator = await FeishuEmulator.start({ ...options, port: 0 });
console.log(`EMULATOR READY ${JSON.stringify({ url: emulator.url })}`);
const stop = (): void => void emulator.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
