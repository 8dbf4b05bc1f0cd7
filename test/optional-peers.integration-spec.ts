import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, run } from './support/processes.helper.js';

/**
 * `@larksuiteoapi/node-sdk` and `@nestjs/terminus` are optional peers: an app without them loads
 * `@feishu-auth/nestjs` and boots `FeishuAuthModule` as before; only the entry points that need them
 * (`/lark`, `/health`) fail to load, naming the missing package. The built packages run in a child
 * Node process whose module resolution cannot find the peers (test/fixtures/no-peers).
 */

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const fixture = join(repoRoot, 'test', 'fixtures', 'no-peers');
const MINUTE = 60_000;

async function runApp(blockPeers: boolean): Promise<Record<string, string>> {
  const args = [...(blockPeers ? ['--import', './block-peers.mjs'] : []), 'app.mjs'];
  const { stdout } = await run(process.execPath, args, {
    cwd: fixture,
    timeoutMs: MINUTE,
    env: cleanEnv(),
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, string>;
}

describe('optional peers (built packages, child process)', () => {
  beforeAll(async () => {
    await run('npm', ['run', 'build:auth'], { cwd: repoRoot, timeoutMs: 5 * MINUTE });
  });

  it('should boot FeishuAuthModule without the SDK and terminus, and name the missing peer when /lark or /health is loaded', async () => {
    const outcome = await runApp(true);

    expect(outcome).toEqual({
      tokenService: 'function',
      '@feishu-auth/nestjs/lark': expect.stringMatching(
        /^ERR_MODULE_NOT_FOUND: .*'@larksuiteoapi\/node-sdk'/,
      ),
      '@feishu-auth/nestjs/health': expect.stringMatching(
        /^ERR_MODULE_NOT_FOUND: .*'@nestjs\/terminus'/,
      ),
      '@larksuiteoapi/node-sdk': 'ERR_MODULE_NOT_FOUND',
      '@nestjs/terminus': 'ERR_MODULE_NOT_FOUND',
    });
  });

  it('should load /lark and /health when the peers are installed', async () => {
    const outcome = await runApp(false);

    expect(outcome).toMatchObject({
      tokenService: 'function',
      '@feishu-auth/nestjs/lark': 'loaded',
      '@feishu-auth/nestjs/health': 'loaded',
    });
  });
});
