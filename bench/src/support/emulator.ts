import { fileURLToPath } from 'node:url';
import type { FeishuEmulatorOptions } from '@feishu-auth/emulator';
import {
  cleanEnv,
  startBackground,
  type Background,
} from '../../../test/support/processes.helper.js';

const MAIN = fileURLToPath(new URL('./emulator.main.js', import.meta.url));
const TOKEN_CALL =
  /\[feishu-emulator\] POST (\/open-apis\/auth\/v3\/\S+|\/open-apis\/authen\/v2\/oauth\/token)/;

/** An emulator process, driven over its control API (`/__emulator/*`). */
export class EmulatorProcess {
  /** Epoch ms at which the runner saw each token-endpoint answer (with `logRequests`). */
  readonly tokenCalls: number[] = [];

  private constructor(
    readonly url: string,
    private readonly background: Background,
  ) {}

  static async start(options: FeishuEmulatorOptions = {}): Promise<EmulatorProcess> {
    const { process: background, match } = await startBackground(process.execPath, [MAIN], {
      cwd: process.cwd(),
      env: cleanEnv({ EMULATOR_OPTIONS: JSON.stringify(options) }),
      timeoutMs: 15_000,
      ready: /^EMULATOR READY (\{.*\})$/m,
    });
    const { url } = JSON.parse(match[1] ?? '{}') as { url: string };
    const emulator = new EmulatorProcess(url, background);
    let pending = '';
    background.child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      const now = Date.now();
      for (const line of lines) if (TOKEN_CALL.test(line)) emulator.tokenCalls.push(now);
    });
    return emulator;
  }

  /** The emulator's process id (its CPU time is read from `/proc`). */
  get pid(): number {
    return this.background.child.pid ?? NaN;
  }

  stats(): Promise<Record<string, number>> {
    return this.control('GET', 'stats') as Promise<Record<string, number>>;
  }

  async resetStats(): Promise<void> {
    await this.control('POST', 'reset-stats');
    this.tokenCalls.length = 0;
  }

  async setTokenLifetimes(lifetimes: Record<string, number>): Promise<void> {
    await this.control('POST', 'token-lifetimes', lifetimes);
  }

  async issueCode(appId: string, openId: string): Promise<string> {
    const answer = (await this.control('POST', 'issue-code', {
      appId,
      openId,
      scopes: ['offline_access'],
    })) as { code: string };
    return answer.code;
  }

  stop(): Promise<void> {
    return this.background.stop();
  }

  private async control(method: string, name: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}/__emulator/${name}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator ${name} answered ${response.status}`);
    return response.json();
  }
}
