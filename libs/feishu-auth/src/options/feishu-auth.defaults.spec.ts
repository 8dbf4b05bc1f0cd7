import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { FEISHU_AUTH_DEFAULTS, FEISHU_AUTH_LIMITS } from './feishu-auth.defaults.js';

const OPTIONS_INTERFACE = readFileSync(
  new URL('../interfaces/feishu-auth-module-options.interface.ts', import.meta.url),
  'utf8',
);

/** Options with no value of their own to default to: required, or a behaviour when left out. */
const WITHOUT_DEFAULT_VALUE = [
  'appId',
  'appSecret',
  'redirectUri',
  'failureRedirect',
  'session.secret',
  'session.domain',
  'store',
  'encryption.keys',
  'events.verificationToken',
  'events.encryptKey',
  'clock',
  'onTokenRefreshed',
  'onTokenRefreshFailed',
];

/** Entries that are not an option's value: the option they shape, and how the docs say it. */
const DERIVED = {
  'refresh.lockWaitBeyondLeaseMs': {
    option: 'refresh.lockWaitMs',
    written: `lease + ${FEISHU_AUTH_DEFAULTS.refresh.lockWaitBeyondLeaseMs}`,
  },
} as const;

interface OptionRow {
  options: string[];
  defaults: string;
  row: string;
}

const codeSpans = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);

/**
 * The rows of a document's options table: the options each names (`http.a` / `b` names
 * `http.b` too), its default cell and the whole row.
 */
function optionRows(markdown: string, heading: string): OptionRow[] {
  const section = markdown.slice(markdown.indexOf(`\n${heading}\n`));
  const table = section.slice(0, section.indexOf('\n## ', 1));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((row) => {
      const [names, defaults] = row.split(' | ') as [string, string];
      const [first, ...others] = codeSpans(names);
      const group = first!.includes('.') ? first!.slice(0, first!.lastIndexOf('.') + 1) : '';
      const options = [first!, ...others.map((name) => (name.includes('.') ? name : group + name))];
      return { options, defaults, row };
    });
}

function leaves(value: object, prefix = ''): [string, unknown][] {
  return Object.entries(value).flatMap(([key, entry]) =>
    typeof entry === 'object' && entry !== null && !Array.isArray(entry)
      ? leaves(entry, `${prefix}${key}.`)
      : [[`${prefix}${key}`, entry] as [string, unknown]],
  );
}

/** How the docs write a value: strings quoted, numbers without separators. */
function written(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

const DEFAULT_LEAVES = leaves(FEISHU_AUTH_DEFAULTS);
const OPTION_DEFAULTS = DEFAULT_LEAVES.filter(([path]) => !(path in DERIVED));

/** `complete`: the table has a row for every option (the README's); otherwise rows it has agree. */
const DOCUMENTS = [
  { file: '../../README.md', heading: '## Options', complete: true },
  {
    file: '../../../../docs/token-lifecycle.md',
    heading: '## Options (with defaults)',
    complete: false,
  },
];

describe.each(DOCUMENTS)('FEISHU_AUTH_DEFAULTS and the options table of $file', (document) => {
  const rows = optionRows(
    readFileSync(new URL(document.file, import.meta.url), 'utf8'),
    document.heading,
  );
  const rowOf = (option: string) => rows.find(({ options }) => options.includes(option));

  it('should find the options table', () => {
    expect(rows.length).toBeGreaterThan(document.complete ? 30 : 10);
  });

  it.each(OPTION_DEFAULTS)('should say what the default of %s is', (option, value) => {
    const row = rowOf(option);
    if (!row && !document.complete) return;
    if (!row) throw new Error(`the options table has no row for ${option}`);
    const spans = codeSpans(row.defaults);
    // A row naming two options gives their defaults in the same order (`200` / `2000`).
    const shown =
      spans.length === row.options.length ? spans[row.options.indexOf(option)] : spans[0];

    expect(shown).toBe(written(value));
  });

  it.each(Object.entries(DERIVED))('should say what %s makes of its option', (_entry, derived) => {
    expect(rowOf(derived.option)?.defaults.trim()).toBe(derived.written);
  });

  it('should name no option whose default FEISHU_AUTH_DEFAULTS lacks', () => {
    const known = new Set([
      ...DEFAULT_LEAVES.map(([path]) => path),
      ...Object.values(DERIVED).map(({ option }) => option),
      ...WITHOUT_DEFAULT_VALUE,
    ]);

    expect(rows.flatMap(({ options }) => options).filter((option) => !known.has(option))).toEqual(
      [],
    );
  });
});

describe('FEISHU_AUTH_LIMITS', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const rows = optionRows(readme, '## Options');

  it.each([
    ['scopes', `at most ${FEISHU_AUTH_LIMITS.maxExtraScopes}`],
    ['session.secret', `${FEISHU_AUTH_LIMITS.minSessionSecretLength} characters or more`],
    ['http.retries', `(${FEISHU_AUTH_LIMITS.http.retries.max} at most)`],
    [
      'refresh.maxRefreshesPerSecond',
      `(${FEISHU_AUTH_LIMITS.refresh.maxRefreshesPerSecond.min} to ${FEISHU_AUTH_LIMITS.refresh.maxRefreshesPerSecond.max})`,
    ],
    ['refresh.lockLeaseMs', `(${FEISHU_AUTH_LIMITS.refresh.lockLeaseMs.max} at most)`],
    ['encryption.keys', `${FEISHU_AUTH_LIMITS.encryptionKeyBytes}-byte keys`],
  ])('should be what the README says bounds %s: %s', (option, text) => {
    expect(rows.find(({ options }) => options.includes(option))?.row).toContain(text);
  });
});

describe('FEISHU_AUTH_DEFAULTS named by the options JSDoc', () => {
  /** `[property, the FEISHU_AUTH_DEFAULTS path its @default tag names]`, in file order. */
  const tags = [...OPTIONS_INTERFACE.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(\w+)\??:/g)]
    .map(([, doc, property]) => [
      property!,
      /@default .*FEISHU_AUTH_DEFAULTS\.([\w.]+)/.exec(doc!)?.[1],
    ])
    .filter((tag): tag is [string, string] => tag[1] !== undefined);

  it.each(tags)('should name an entry of its own option on %s: %s', (property, path) => {
    const entry = DERIVED[path as keyof typeof DERIVED];

    expect(DEFAULT_LEAVES.map(([leaf]) => leaf)).toContain(path);
    expect((entry?.option ?? path).split('.').at(-1)).toBe(property);
  });

  it('should name every entry in a @default tag', () => {
    const named = new Set(tags.map(([, path]) => path));

    expect(DEFAULT_LEAVES.map(([path]) => path).filter((path) => !named.has(path))).toEqual([]);
  });

  it('should leave no default written as a value in the JSDoc', () => {
    expect(OPTIONS_INTERFACE.match(/\bDefault:? [`'\d][^\n]*/g)).toBeNull();
  });
});
