export {
  type FeishuAuthEmulatorOptions,
  FeishuEmulatorKit,
  type FeishuEmulatorKitOptions,
} from './feishu-emulator.kit.js';
export type { SignedInUser, SignInOptions } from './sign-in.js';
export type { TestAgent, TestAgentRequest, TestAgentResponse } from './test-agent.interface.js';
export { useFeishuEmulator } from './use-feishu-emulator.js';
