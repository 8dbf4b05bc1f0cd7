import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * README code samples cannot rot: each TypeScript sample is marked, on the line before it, with a
 * link a reader sees to the file that holds it: ``<sub>Compiled from [`docs/examples/x.ts`](…)</sub>``
 * (the whole file) or ``[`docs/examples/x.ts#name`](…)`` (the lines between `// #region name` and
 * `// #endregion name`); that file is compiled by `npm run typecheck`. A JSON sample may be marked
 * the same way (its twin is then checked, not compiled). This test fails when a sample and its twin
 * drift apart, when a TypeScript sample has no twin, or when a link does not lead to the twin.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const readmes = [
  'README.md',
  'libs/feishu-auth/README.md',
  'libs/feishu-emulator/README.md',
  'docs/in-app-login.md',
];

interface Sample {
  readme: string;
  line: number;
  language: string;
  code: string;
  twin?: { file: string; region?: string; href: string };
}

const FENCE = /^```([\w-]*)\s*$/;
const MARKER =
  /^<sub>Compiled from \[`(docs\/examples\/[\w./-]+?)(?:#([\w-]+))?`\]\(([^)\s]+)\)<\/sub>\s*$/;
/** The marker this test used before, invisible once rendered. */
const HIDDEN_MARKER = /^<!--\s*compiled:/;

/** The visible marker line for `file` (`docs/examples/…`, optionally `#region`) in `readme`. */
function markerFor(readme: string, file: string, region?: string): string {
  const href = relative(dirname(readme), file);
  return `<sub>Compiled from [\`${file}${region ? `#${region}` : ''}\`](${href})</sub>`;
}

/** The fenced blocks of a Markdown file, with the `compiled:` marker on the line before each, if any. */
function samplesOf(readme: string, markdown: string): Sample[] {
  const lines = markdown.split('\n');
  const samples: Sample[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = FENCE.exec(lines[index] ?? '');
    if (!open) continue;
    const end = lines.findIndex((line, at) => at > index && /^```\s*$/.test(line));
    if (end === -1) throw new Error(`${readme}:${index + 1}: unclosed code fence`);
    const marker = MARKER.exec(lines[index - 1] ?? '');
    samples.push({
      readme,
      line: index + 1,
      language: open[1] ?? '',
      code: lines.slice(index + 1, end).join('\n'),
      twin: marker
        ? { file: marker[1] ?? '', region: marker[2], href: marker[3] ?? '' }
        : undefined,
    });
    index = end;
  }
  return samples;
}

/** The whole file, or the lines of one `// #region` of it, without the indentation they share. */
function regionOf(source: string, region: string | undefined, file: string): string {
  const lines = source.replace(/\n+$/, '').split('\n');
  if (region === undefined) return lines.join('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${region}`);
  const end = lines.findIndex(
    (line, at) => at > start && line.trim() === `// #endregion ${region}`,
  );
  if (start === -1 || end === -1) throw new Error(`${file} has no region ${region}`);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(
    ...body.filter((line) => line.trim() !== '').map((line) => /^ */.exec(line)?.[0].length ?? 0),
  );
  return body.map((line) => line.slice(indent)).join('\n');
}

async function allSamples(): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const readme of readmes) {
    samples.push(...samplesOf(readme, await readFile(join(repoRoot, readme), 'utf8')));
  }
  return samples;
}

const isTypeScript = (sample: Sample) => ['ts', 'typescript', 'tsx'].includes(sample.language);

describe('README code samples', () => {
  it('marks every TypeScript sample with the compiled file that holds it', async () => {
    const unmarked = (await allSamples())
      .filter((sample) => isTypeScript(sample) && !sample.twin)
      .map((sample) => `${sample.readme}:${sample.line}`);
    expect(unmarked).toEqual([]);
  });

  it('shows every marker as a link to the twin, not as an HTML comment', async () => {
    const hidden: string[] = [];
    for (const readme of readmes) {
      const lines = (await readFile(join(repoRoot, readme), 'utf8')).split('\n');
      lines.forEach((line, index) => {
        if (HIDDEN_MARKER.test(line)) hidden.push(`${readme}:${index + 1}`);
      });
    }
    expect(hidden).toEqual([]);
    const misdirected = (await allSamples())
      .filter(({ readme, twin }) => twin && twin.href !== relative(dirname(readme), twin.file))
      .map(({ readme, line, twin }) => `${readme}:${line - 1}: ${twin?.href}`);
    expect(misdirected).toEqual([]);
  });

  it('keeps every marked sample identical to its compiled twin under docs/examples', async () => {
    const marked = (await allSamples()).filter((sample) => sample.twin);
    expect(marked.length).toBeGreaterThan(0);
    const drifted: string[] = [];
    for (const sample of marked) {
      const { file, region } = sample.twin ?? { file: '' };
      expect(file).toMatch(/^docs\/examples\/[\w./-]+\.(ts|json)$/);
      const twin = regionOf(await readFile(join(repoRoot, file), 'utf8'), region, file);
      if (twin !== sample.code)
        drifted.push(`${sample.readme}:${sample.line} ≠ ${file}${region ? `#${region}` : ''}`);
    }
    expect(drifted).toEqual([]);
  });
});

describe('samplesOf', () => {
  it('should pair a block with the marker on the line before it, and leave other blocks unmarked', () => {
    const markdown = [
      markerFor('docs/R.md', 'docs/examples/a.ts', 'setup'),
      '```ts',
      'const a = 1;',
      '```',
      '',
      '```bash',
      'npm test',
      '```',
    ].join('\n');
    expect(samplesOf('docs/R.md', markdown)).toEqual([
      {
        readme: 'docs/R.md',
        line: 2,
        language: 'ts',
        code: 'const a = 1;',
        twin: { file: 'docs/examples/a.ts', region: 'setup', href: 'examples/a.ts' },
      },
      { readme: 'docs/R.md', line: 6, language: 'bash', code: 'npm test', twin: undefined },
    ]);
  });
});

describe('regionOf', () => {
  it('should return the dedented lines between the region markers', () => {
    const source = [
      'import x;',
      'function f() {',
      '  // #region body',
      '  return 1;',
      '  // #endregion body',
      '}',
      '',
    ].join('\n');
    expect(regionOf(source, 'body', 'f.ts')).toBe('return 1;');
    expect(regionOf(source, undefined, 'f.ts')).toBe(source.trimEnd());
  });

  it('should fail loudly when the region does not exist', () => {
    expect(() => regionOf('const a = 1;', 'missing', 'f.ts')).toThrow('f.ts has no region missing');
  });
});
