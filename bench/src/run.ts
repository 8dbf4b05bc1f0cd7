import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { RedisServer } from '../../test/support/redis-server.js';
import { coldStartHerd } from './cold-start-herd.bench.js';
import { guardOverhead } from './guard-overhead.bench.js';
import { instances } from './instances.bench.js';
import { larkClient } from './lark-client.bench.js';
import { quickStart } from './quick-start.bench.js';
import { schedulerScale } from './scheduler-scale.bench.js';
import { steadyState } from './steady-state.bench.js';
import { machine, renderSection, type Section } from './support/report.js';

const OUTPUT = fileURLToPath(new URL('../../../../docs/benchmarks.md', import.meta.url));

type Benchmark = (redis: RedisServer) => Promise<Section>;
const BENCHMARKS: Record<string, Benchmark> = {
  '1': guardOverhead,
  '2': () => coldStartHerd(),
  '3': steadyState,
  '4': schedulerScale,
  '5': instances,
  '6': () => quickStart(),
  '7': larkClient,
};

const PLACEMENT =
  'Placement on this machine: the load generator (autocannon) and the orchestration run in the ' +
  'runner process; each app instance, the emulator and redis-server run in processes of their ' +
  'own, so the server under test never shares an event loop with the load. They all share the ' +
  "machine's cores (other work on the machine during the run lowers the absolute figures), so " +
  'compare figures within a table: the ratios are the point.';

async function main(): Promise<void> {
  const chosen = process.argv.slice(2);
  const names = chosen.length > 0 ? chosen : Object.keys(BENCHMARKS);
  const startedAt = Date.now();
  const redis = await RedisServer.start();
  const sections: Section[] = [];
  try {
    for (const name of names) {
      const benchmark = BENCHMARKS[name];
      if (!benchmark) throw new Error(`no benchmark "${name}" (1–7)`);
      const t0 = Date.now();
      console.log(`benchmark ${name}…`);
      const section = await benchmark(redis);
      console.log(renderSection(section));
      console.log(`(benchmark ${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
      sections.push(section);
    }
  } finally {
    await redis.stop();
  }
  const total = ((Date.now() - startedAt) / 1000).toFixed(0);
  const document =
    chosen.length > 0
      ? updateSections(await readFile(OUTPUT, 'utf8'), sections, `${total} s`)
      : [
          '# Benchmarks',
          '',
          'Written by `npm run bench` (`bench/`); every figure below comes from the run described here.',
          'Everything runs on loopback against `@feishu-auth/emulator`; each benchmark is bounded in time.',
          '',
          machine(),
          `- Whole run: ${total} s`,
          '',
          PLACEMENT,
          '',
          ...sections.map(renderSection),
        ].join('\n');
  await writeFile(OUTPUT, document);
  console.log(`wrote ${OUTPUT} in ${total} s`);
}

/**
 * `npm run bench -- 6`: replaces the sections that ran in the existing document (or adds them, in
 * number order) and notes when they ran, leaving the other sections' figures as they were.
 */
function updateSections(existing: string, fresh: Section[], took: string): string {
  const [preamble = '', ...parts] = existing.split(/^(?=## )/m);
  const byNumber = new Map(parts.map((part) => [sectionNumber(part), part]));
  for (const section of fresh) {
    const note = `_Run on its own (\`npm run bench -- ${sectionNumber(`## ${section.title}`)}\`) on ${new Date().toISOString()}, ${took}._\n\n`;
    byNumber.set(
      sectionNumber(`## ${section.title}`),
      renderSection(section).replace('\n\n', `\n\n${note}`),
    );
  }
  const ordered = [...byNumber.entries()].sort(([a], [b]) => a - b).map(([, part]) => part);
  return [preamble, ...ordered.map((part) => `${part.trimEnd()}\n\n`)].join('').trimEnd() + '\n';
}

function sectionNumber(part: string): number {
  return Number(/^## (\d+)\./.exec(part)?.[1] ?? Number.MAX_SAFE_INTEGER);
}

await main();
