import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FEISHU_ERROR_CODES } from '../../libs/feishu-auth/src/http/feishu-error-codes.js';

/**
 * What the docs say about Feishu codes comes from `FEISHU_ERROR_CODES`, the one table: a code the
 * docs name is in it, with the kind they give it.
 */
const read = (path: string): string =>
  readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
const codesIn = (text: string): number[] => (text.match(/\b\d{5,8}\b/g) ?? []).map(Number);

const KIND_ROW = /^\| `([a-z-]+)` \| ([^|]+) \|/gm;
const kindRows = [...read('docs/token-lifecycle.md').matchAll(KIND_ROW)].flatMap(
  ([, kind, codes]) => codesIn(codes!).map((code) => ({ kind: kind!, code })),
);

const HINT_ROW = /^\| ((?:\d{5,8}(?:, )?)+) \| /gm;
const readme = read('libs/feishu-auth/README.md');
const hintRows = [...readme.matchAll(HINT_ROW)].flatMap(([, codes]) => codesIn(codes!));

describe('Feishu codes in the docs', () => {
  it('should find the tables', () => {
    expect(kindRows.length).toBeGreaterThan(20);
    expect(hintRows.length).toBeGreaterThan(20);
  });

  it.each(kindRows)('should give $code the kind docs/token-lifecycle.md says ($kind)', (row) => {
    expect(FEISHU_ERROR_CODES[row.code]?.kind).toBe(row.kind);
  });

  it.each(hintRows)('should have a hint for %p, which the README lists', (code) => {
    expect(FEISHU_ERROR_CODES[code]?.hint).toEqual(expect.any(String));
  });

  it('should retry with a fresh token on the codes the README says FeishuClient retries on', () => {
    const said = [...readme.matchAll(/\((9999\d{4})((?:\/\d\d)+)\)/g)].map(([, first, rest]) => [
      Number(first),
      ...rest!
        .split('/')
        .slice(1)
        .map((tail) => Number(first!.slice(0, -2) + tail)),
    ]);
    const retried = Object.entries(FEISHU_ERROR_CODES)
      .filter(([, meaning]) => meaning.recover === 'fresh-token')
      .map(([code]) => Number(code));

    expect(said.length).toBeGreaterThan(0);
    for (const codes of said) expect(codes).toEqual(retried);
  });
});
