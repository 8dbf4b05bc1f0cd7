import { FeishuEmulator } from '@feishu-auth/emulator';

const emulator = await FeishuEmulator.start(); // { port: 0 } = any free port, host '127.0.0.1'
emulator.url; // 'http://127.0.0.1:41234': use it as both the `open` and the `accounts` domain
await emulator.close();
