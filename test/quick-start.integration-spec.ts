import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshCheckout, type FreshCheckout } from './support/fresh-checkout.js';
import { cleanEnv, freePort, startBackground } from './support/processes.helper.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const URL_LINE = /Open (http:\/\/\S+) in your browser\./;
const COMPILED = /compiled the (\w+)/g;

/** The demo's per-client limit on its login, code and API routes (demo-rate-limits.module.ts). */
const RATE_LIMIT_PER_MINUTE = 30;

/** The statuses of one more login start than the limit allows from one client, then of the page. */
async function loginStarts(origin: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i <= RATE_LIMIT_PER_MINUTE; i += 1) {
    const answer = await fetch(`${origin}/auth/feishu/login`, { redirect: 'manual' });
    statuses.push(answer.status);
  }
  statuses.push((await fetch(origin)).status);
  return statuses;
}

/**
 * `npm start` in the checkout until the demo prints its URL: what it compiled, the page, and
 * (`probe`) what else the test asks of the running demo.
 */
async function npmStart(
  checkout: FreshCheckout,
  probe?: (origin: string) => Promise<number[]>,
): Promise<{ compiled: string[]; status: number; probed?: number[] }> {
  const [port, emulatorPort] = [await freePort(), await freePort()];
  const { process: demo, match } = await startBackground('npm', ['start'], {
    cwd: checkout.dir,
    timeoutMs: 60_000,
    ready: URL_LINE,
    env: cleanEnv({ PORT: String(port), FEISHU_EMULATOR_PORT: String(emulatorPort) }),
  });
  try {
    const compiled = [...demo.output().matchAll(COMPILED)].map((found) => found[1] ?? '');
    const page = await fetch(match[1] ?? '');
    return { compiled, status: page.status, probed: await probe?.(match[1] ?? '') };
  } finally {
    await demo.stop();
  }
}

describe('npm start on a fresh clone', () => {
  let checkout: FreshCheckout;

  beforeAll(async () => {
    checkout = await freshCheckout(repoRoot);
  });

  afterAll(async () => {
    await checkout?.remove();
  });

  it('compiles the emulator, the library and the demo, then serves the demo page', async () => {
    const first = await npmStart(checkout);

    expect(first.compiled).toEqual(['emulator', 'library', 'demo']);
    expect(first.status).toBe(200);
  });

  it('limits each client to 30 login starts a minute with @nestjs/throttler, and not its pages', async () => {
    const started = await npmStart(checkout, loginStarts);

    expect(started.probed).toEqual([...Array(RATE_LIMIT_PER_MINUTE).fill(302), 429, 200]);
  });

  it('compiles nothing when no source changed since the last start', async () => {
    const again = await npmStart(checkout);

    expect(again.compiled).toEqual([]);
    expect(again.status).toBe(200);
  });

  it('compiles only the project whose source changed', async () => {
    const now = new Date();
    await utimes(join(checkout.dir, 'libs/feishu-auth/src/index.ts'), now, now);

    const afterEdit = await npmStart(checkout);

    expect(afterEdit.compiled).toEqual(['library']);
    expect(afterEdit.status).toBe(200);
  });
});
