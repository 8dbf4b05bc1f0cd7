import { fileURLToPath } from 'node:url';
import { freshCheckout, type FreshCheckout } from '../../test/support/fresh-checkout.js';
import { cleanEnv, freePort, startBackground } from '../../test/support/processes.helper.js';
import { fmt, type Section } from './support/report.js';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const URL_LINE = /Open (http:\/\/\S+) in your browser\./;
const RUNS = 3;
const GOAL_FRESH_S = 20;
const GOAL_UNCHANGED_S = 5;
/** The start command before SWC: three `nest build` runs with full type checking. */
const TYPE_CHECKED_START = 'npm run build && npm run build:demo && node dist/apps/demo/main.js';

/** Seconds from typing the command until the demo prints the URL to open. */
async function secondsToUrl(checkout: FreshCheckout, command: string[]): Promise<number> {
  const env = cleanEnv({
    PORT: String(await freePort()),
    FEISHU_EMULATOR_PORT: String(await freePort()),
  });
  const startedAt = performance.now();
  const { process: demo } = await startBackground(command[0] ?? 'npm', command.slice(1), {
    cwd: checkout.dir,
    timeoutMs: 300_000,
    ready: URL_LINE,
    env,
  });
  const seconds = (performance.now() - startedAt) / 1000;
  await demo.stop();
  return seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function inFreshCheckout<T>(work: (checkout: FreshCheckout) => Promise<T>): Promise<T> {
  const checkout = await freshCheckout(REPO_ROOT);
  try {
    return await work(checkout);
  } finally {
    await checkout.remove();
  }
}

/** `npm start` on a fresh clone (after `npm install`) and again with nothing changed. */
export async function quickStart(): Promise<Section> {
  const fresh: number[] = [];
  const unchanged: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await inFreshCheckout(async (checkout) => {
      fresh.push(await secondsToUrl(checkout, ['npm', 'start']));
      unchanged.push(await secondsToUrl(checkout, ['npm', 'start']));
    });
  }
  const typeChecked = await inFreshCheckout((checkout) =>
    secondsToUrl(checkout, ['sh', '-c', TYPE_CHECKED_START]),
  );
  const met = median(fresh) <= GOAL_FRESH_S && median(unchanged) <= GOAL_UNCHANGED_S;
  return {
    title: '6. Quick start: `npm start` to the printed URL',
    method:
      `Each run copies the sources into a temp folder as a fresh clone after \`npm install\` has them ` +
      `(no build output; node_modules linked to the installed packages), runs \`npm start\` and stops ` +
      `the clock when the demo prints the URL to open; then runs it again with nothing changed. ` +
      `Median of ${RUNS} runs each. For comparison, one run of the former start command ` +
      `(\`${TYPE_CHECKED_START}\`: three \`nest build\` runs with type checking). \`npm start\` compiles ` +
      `with SWC only what changed; type checking is \`npm run typecheck\` and CI.`,
    table: {
      head: ['start', 'seconds to URL (median)', 'runs'],
      rows: [
        [
          'fresh clone: npm start to URL',
          fmt(median(fresh), 1),
          fresh.map((s) => fmt(s, 1)).join(', '),
        ],
        [
          'nothing changed: npm start to URL',
          fmt(median(unchanged), 1),
          unchanged.map((s) => fmt(s, 1)).join(', '),
        ],
        ['former start (nest build ×3, type checked)', fmt(typeChecked, 1), '1'],
      ],
    },
    verdict:
      `Goal: URL within ${GOAL_FRESH_S} s of a fresh \`npm install\` and within ${GOAL_UNCHANGED_S} s ` +
      `when nothing changed: ${met ? 'met' : 'not met'}.`,
  };
}
