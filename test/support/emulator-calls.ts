import type { FeishuEmulator } from '@feishu-auth/emulator';

/** Calls the emulator served on a stats key (`token.v2.refresh_token`, `user_info` …). */
export function calls(emulator: Pick<FeishuEmulator, 'stats'>, key: string): number {
  return emulator.stats()[key] ?? 0;
}
