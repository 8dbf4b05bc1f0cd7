import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RELIABILITY_MATRIX, renderReliabilityDoc } from './matrix.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DOC = join(ROOT, 'docs', 'reliability.md');

/** `npm run docs:reliability` sets it: write the document instead of comparing it. */
const WRITE_DOC = process.env.RELIABILITY_DOC === 'write';

const rows = RELIABILITY_MATRIX.flatMap((section) => section.cases);
const refs = rows.flatMap((row) => row.testedBy.map((ref) => ({ id: row.id, ...ref })));

/** A test title as it appears in source: a quoted string right after `it(` / `it.each(...)(`. */
function declaresTest(source: string, title: string): boolean {
  return ["'", '"', '`'].some((quote) => source.includes(`${quote}${title}${quote}`));
}

describe('The reliability matrix (docs/reliability.md)', () => {
  it('should give every case a unique id and at least one test', () => {
    const ids = rows.map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const row of rows) expect([row.id, row.testedBy.length > 0]).toEqual([row.id, true]);
  });

  it.each(refs.map((ref) => [ref.id, ref.file, ref.test]))(
    'should find the test of case %s in %s: %s',
    (_id, file, title) => {
      const source = readFileSync(join(ROOT, file), 'utf8');
      expect(declaresTest(source, title)).toBe(true);
    },
  );

  it('should publish exactly the matrix rendered from test/reliability/matrix.ts', () => {
    const rendered = renderReliabilityDoc();
    if (WRITE_DOC) writeFileSync(DOC, rendered);
    expect(readFileSync(DOC, 'utf8')).toBe(rendered);
  });
});
