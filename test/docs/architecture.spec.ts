import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * docs/architecture.md is the one statement of the library's layers: this suite reads its table and
 * holds every import in `libs/feishu-auth/src` to it, so the page and the code cannot drift apart.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sourceRoot = join(root, 'libs', 'feishu-auth', 'src');
const architecturePage = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');

interface Layer {
  readonly name: string;
  /** Folders end with `/`; a file matches the longest path that starts it. */
  readonly paths: readonly string[];
}

/** The rows of the page's "Layers" table, top (the app's side) to bottom (the store's side). */
function readLayers(page: string): Layer[] {
  const section = page.split(/^## /m).find((part) => part.startsWith('Layers'));
  if (!section) throw new Error('docs/architecture.md has no "## Layers" section');
  return section
    .split('\n')
    .filter((line) => /^\| \d+\. /.test(line))
    .map((line) => {
      const [name, , paths] = line
        .split('|')
        .slice(1, 4)
        .map((cell) => cell.trim());
      return {
        name: name.replace(/^\d+\. /, ''),
        paths: [...paths.matchAll(/`([^`]+)`/g)].map((match) => match[1]),
      };
    });
}

/** The layer's index in the table, by the longest listed path that is a prefix of the file. */
function layerOf(file: string, layers: readonly Layer[]): number | undefined {
  let best: { index: number; length: number } | undefined;
  layers.forEach((layer, index) => {
    for (const path of layer.paths) {
      const matches = path.endsWith('/') ? file.startsWith(path) : file === path;
      if (matches && (!best || path.length > best.length)) best = { index, length: path.length };
    }
  });
  return best?.index;
}

/** A file may import from its own layer and the layers below it, never from one above. */
function importViolation(from: string, to: string, layers: readonly Layer[]): string | undefined {
  const fromLayer = layerOf(from, layers);
  const toLayer = layerOf(to, layers);
  if (fromLayer === undefined || toLayer === undefined) return undefined;
  if (toLayer >= fromLayer) return undefined;
  return `${from} (${layers[fromLayer].name}) imports ${to} (${layers[toLayer].name})`;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    const isSource = entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts');
    return isSource ? [relative(sourceRoot, path).split('\\').join('/')] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(join(sourceRoot, file), 'utf8');
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((imported) => imported.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => posix.normalize(posix.join(posix.dirname(file), name)).replace(/\.js$/, '.ts'));
}

const layers = readLayers(architecturePage);
const files = sourceFiles(sourceRoot);

describe('docs/architecture.md layers', () => {
  it('lists the layers from the HTTP edge down to the store roles and the foundation', () => {
    expect(layers.map((layer) => layer.name)).toEqual([
      'Composition',
      'HTTP edge',
      'Session and sign-in',
      'HTTP adapter',
      'Token service',
      'Refresher and policy',
      'Clients',
      'Store roles',
      'Foundation',
    ]);
  });

  it.each([
    ['storage/redis-token.store.ts', 'guards/feishu-auth.guard.ts', true],
    ['http/feishu-http.client.ts', 'session/feishu-session.service.ts', true],
    ['oauth/feishu-oauth.client.ts', 'services/token.service.ts', true],
    ['utils/backoff.util.ts', 'storage/due-index.ts', true],
    ['guards/feishu-auth.guard.ts', 'session/feishu-session.service.ts', false],
    ['http/feishu-http.adapter.ts', 'session/feishu-session.service.ts', true],
    ['session/feishu-session.service.ts', 'http/feishu-http.adapter.ts', false],
    ['services/token.service.ts', 'storage/redis-token.store.ts', false],
    ['index.ts', 'guards/feishu-auth.guard.ts', false],
  ])('judges an import from %s of %s as a violation: %s', (from, to, refused) => {
    expect(importViolation(from, to, layers) !== undefined).toBe(refused);
  });

  it('places every source file of the library in one layer', () => {
    expect(files.filter((file) => layerOf(file, layers) === undefined)).toEqual([]);
  });

  it('names only paths that exist', () => {
    const named = layers.flatMap((layer) => layer.paths);
    const missing = named.filter((path) =>
      path.endsWith('/') ? !files.some((file) => file.startsWith(path)) : !files.includes(path),
    );
    expect(missing).toEqual([]);
  });

  it('has no import that points up the layers', () => {
    const violations = files.flatMap((file) =>
      relativeImports(file).flatMap((target) => importViolation(file, target, layers) ?? []),
    );
    expect(violations).toEqual([]);
  });
});
