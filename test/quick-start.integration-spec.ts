import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshCheckout, type FreshCheckout } from './support/fresh-checkout.js';
import { cleanEnv, freePort, startBackground } from './support/processes.helper.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const URL_LINE = /Open (http:\/\/\S+) in your browser\./;
const COMPILED = /compiled the (\w+)/g;

/** `npm start` in the checkout until the demo prints its URL: what it compiled, and the page. */
async function npmStart(checkout: FreshCheckout): Promise<{ compiled: string[]; status: number }> {
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
    return { compiled, status: page.status };
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
