// `npm start`: the demo on the embedded emulator, quickly. Compiles the two libraries and the demo with
// SWC (no type checking: that is `npm run typecheck` and CI) and only what changed since the last
// build, then runs the demo. `npm run build` still builds the libraries with tsc and their typings.
import { spawn } from 'node:child_process';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFile } from '@swc/core';
import { swcTypeScript } from './swc-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What `npm start` runs, in dependency order; `entry` is the output that stands for the build. */
const projects = [
  {
    name: 'emulator',
    src: 'libs/feishu-emulator/src',
    out: 'libs/feishu-emulator/dist',
    entry: 'index.js',
  },
  { name: 'library', src: 'libs/feishu-auth/src', out: 'libs/feishu-auth/dist', entry: 'index.js' },
  { name: 'demo', src: 'apps/demo/src', out: 'dist/apps/demo', entry: 'main.js' },
];

const swcOptions = { ...swcTypeScript, sourceMaps: false, swcrc: false };

const isBuiltSource = (file) =>
  file.endsWith('.ts') && !file.endsWith('.d.ts') && !file.endsWith('.spec.ts');

async function sourcesOf(dir) {
  const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && isBuiltSource(entry.name))
    .map((entry) => relative(join(root, dir), join(entry.parentPath, entry.name)));
}

async function mtimeOf(path) {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** A build is current when its entry output is newer than every source and the package's manifest. */
async function isCurrent(project, sources) {
  const built = await mtimeOf(join(root, project.out, project.entry));
  if (built === undefined) return false;
  const inputs = [
    ...sources.map((file) => join(root, project.src, file)),
    join(root, project.src, '..', 'package.json'),
    join(root, 'tsconfig.json'),
  ];
  const times = await Promise.all(inputs.map(mtimeOf));
  return times.every((time) => time === undefined || time < built);
}

async function compile(project, sources) {
  const compileOne = async (file) => {
    const { code } = await transformFile(join(root, project.src, file), swcOptions);
    const target = join(root, project.out, file.replace(/\.ts$/, '.js'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, code);
  };
  // The entry file last: its time stamp says the whole build is complete.
  const entrySource = project.entry.replace(/\.js$/, '.ts');
  await Promise.all(sources.filter((file) => file !== entrySource).map(compileOne));
  await compileOne(entrySource);
}

async function buildChanged() {
  for (const project of projects) {
    const sources = await sourcesOf(project.src);
    if (await isCurrent(project, sources)) continue;
    const started = performance.now();
    await compile(project, sources);
    const ms = Math.round(performance.now() - started);
    console.log(`compiled the ${project.name} (${sources.length} files, ${ms} ms)`);
  }
}

await buildChanged();
const demo = spawn(process.execPath, [join(root, 'dist/apps/demo/main.js')], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => demo.kill(signal));
demo.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
