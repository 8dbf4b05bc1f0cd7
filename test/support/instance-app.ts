import { stat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, run, startBackground, type Background } from './processes.helper.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = join(ROOT, 'test/fixtures/instance-app');
const LIBRARIES = ['libs/feishu-auth', 'libs/feishu-emulator'];
const BUILD_TIMEOUT_MS = 240_000;
const READY_TIMEOUT_MS = 30_000;
/** How much of each instance's output a failing test prints (its last characters). */
const OUTPUT_TAIL_CHARS = 8_000;

/** One running instance of `test/fixtures/instance-app`. */
export interface InstanceApp {
  name: string;
  /** e.g. `http://127.0.0.1:41234`. */
  url: string;
  process: Background;
  /** True until the process exits (or is killed). */
  alive(): boolean;
}

/** Newest modification time (ms) of the `.ts` sources under `dir`, tests excluded. */
async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.spec.ts')) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

async function mtimeOrZero(path: string): Promise<number> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return 0;
  }
}

/** True when a library's `dist/` is missing or older than one of its sources. */
async function libraryIsStale(library: string): Promise<boolean> {
  const built = await mtimeOrZero(join(ROOT, library, 'dist/index.js'));
  return built === 0 || (await newestSource(join(ROOT, library, 'src'))) > built;
}

/**
 * Builds what the instance app runs on: both libraries (`npm run build`, only when a `dist/` is
 * missing or stale, since the app imports the packages through node_modules as a user's app does)
 * and the app itself (`tsc` to `test/fixtures/instance-app/dist`).
 */
export async function buildInstanceApp(): Promise<void> {
  const stale = await Promise.all(LIBRARIES.map(libraryIsStale));
  if (stale.some(Boolean)) {
    await run('npm', ['run', 'build'], { cwd: ROOT, timeoutMs: BUILD_TIMEOUT_MS });
  }
  await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', FIXTURE], {
    cwd: ROOT,
    timeoutMs: BUILD_TIMEOUT_MS,
  });
}

/**
 * Starts one instance with `env` (see `test/fixtures/instance-app/src/instance-options.ts` for the
 * variables) and resolves once it prints its ready line.
 */
export async function startInstanceApp(
  name: string,
  env: Record<string, string>,
): Promise<InstanceApp> {
  const { process: background, match } = await startBackground(
    process.execPath,
    [join(FIXTURE, 'dist/main.js')],
    {
      cwd: FIXTURE,
      env: cleanEnv({ NODE_ENV: 'test', INSTANCE_NAME: name, ...env }),
      timeoutMs: READY_TIMEOUT_MS,
      ready: /^INSTANCE READY (\{.*\})$/m,
    },
  );
  const { url } = JSON.parse(match[1] ?? '{}') as { url: string };
  const { child } = background;
  return {
    name,
    url: url.replace('[::1]', '127.0.0.1'),
    process: background,
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}

function tailOf(text: string): string {
  return text.length > OUTPUT_TAIL_CHARS ? `…${text.slice(-OUTPUT_TAIL_CHARS)}` : text;
}

/**
 * Runs `body`; when it fails, prints what each instance wrote to stdout and stderr while it ran
 * (renewal failures and lock warnings are logged there), then rethrows. The instances' own logs are
 * the only account of what happened inside them.
 */
export async function withInstanceOutput<T>(
  instances: readonly InstanceApp[],
  body: () => Promise<T>,
): Promise<T> {
  const marks = instances.map((instance) => instance.process.output().length);
  try {
    return await body();
  } catch (error) {
    const printed = instances.map((instance, index) => {
      const output = tailOf(instance.process.output().slice(marks[index]));
      const state = instance.alive() ? 'running' : 'exited';
      return `--- ${instance.name} (${state}) ---\n${output.trimEnd() || '(no output)'}`;
    });
    console.error(`Output of the instances during the failed test:\n${printed.join('\n')}`);
    throw error;
  }
}
