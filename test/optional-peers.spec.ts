import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Nothing the main entry point of `@feishu-auth/nestjs` loads imports an optional peer that only an
 * extra entry point needs: whether an app is CommonJS (require(esm)) or ESM, it loads the same graph.
 */

const srcRoot = fileURLToPath(new URL('../libs/feishu-auth/src/', import.meta.url));
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g;

/** Every source file reachable from `entry` through relative imports, with its bare imports. */
async function importGraph(entry: string): Promise<Map<string, string[]>> {
  const graph = new Map<string, string[]>();
  const pending = [resolve(srcRoot, entry)];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (graph.has(file)) continue;
    const source = await readFile(file, 'utf8');
    const specifiers = [...source.matchAll(IMPORT)].map((match) => match[1] ?? '');
    graph.set(
      file,
      specifiers.filter((specifier) => !specifier.startsWith('.')),
    );
    for (const specifier of specifiers.filter((candidate) => candidate.startsWith('.'))) {
      pending.push(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  }
  return graph;
}

function importersOf(graph: Map<string, string[]>, peer: string): string[] {
  return [...graph]
    .filter(([, bare]) => bare.some((name) => name === peer || name.startsWith(`${peer}/`)))
    .map(([file]) => file.slice(srcRoot.length));
}

describe('optional peers in the import graph', () => {
  it.each(['@larksuiteoapi/node-sdk', '@nestjs/terminus'])(
    'should not import %s from the main entry point',
    async (peer) => {
      expect(importersOf(await importGraph('index.ts'), peer)).toEqual([]);
    },
  );

  it.each([
    ['lark/index.ts', '@larksuiteoapi/node-sdk'],
    ['health/index.ts', '@nestjs/terminus'],
  ])('should import the peer from its own entry point %s', async (entry, peer) => {
    expect(importersOf(await importGraph(entry), peer).length).toBeGreaterThan(0);
  });
});
