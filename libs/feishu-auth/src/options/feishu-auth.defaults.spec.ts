import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { FEISHU_AUTH_DEFAULTS, FEISHU_AUTH_LIMITS } from './feishu-auth.defaults.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
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

/** Entries that are not an option's value: the option they shape, and how the README says it. */
const DERIVED = {
  'refresh.lockWaitBeyondLeaseMs': {
    option: 'refresh.lockWaitMs',
    readme: `lease + ${FEISHU_AUTH_DEFAULTS.refresh.lockWaitBeyondLeaseMs}`,
  },
} as const;

const codeSpans = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);

/** The rows of the README's options table: the options each names, its default and meaning. */
function readmeOptionRows(): { options: string[]; defaults: string; row: string }[] {
  const section = README.slice(README.indexOf('\n## Options\n'));
  const table = section.slice(0, section.indexOf('\n## ', 1));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((row) => {
      const [options, defaults] = row.split(' | ') as [string, string];
      return { options: codeSpans(options), defaults, row };
    });
}

function leaves(value: object, prefix = ''): [string, unknown][] {
  return Object.entries(value).flatMap(([key, entry]) =>
    typeof entry === 'object' && entry !== null && !Array.isArray(entry)
      ? leaves(entry, `${prefix}${key}.`)
      : [[`${prefix}${key}`, entry] as [string, unknown]],
  );
}

/** How the README writes a value: strings quoted, numbers without separators. */
function written(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
}

const ROWS = readmeOptionRows();
const DEFAULT_LEAVES = leaves(FEISHU_AUTH_DEFAULTS);

function rowOf(option: string) {
  const row = ROWS.find(({ options }) => options.includes(option));
  if (!row) throw new Error(`the README options table has no row for ${option}`);
  return row;
}

describe('FEISHU_AUTH_DEFAULTS', () => {
  it('should find the options table in the README', () => {
    expect(ROWS.length).toBeGreaterThan(30);
  });

  it.each(DEFAULT_LEAVES.filter(([path]) => !(path in DERIVED)))(
    'should be what the README says the default of %s is',
    (option, value) => {
      const { options, defaults } = rowOf(option);
      const spans = codeSpans(defaults);
      // A row naming two options gives their defaults in the same order (`200` / `2000`).
      const shown = spans.length === options.length ? spans[options.indexOf(option)] : spans[0];

      expect(shown).toBe(written(value));
    },
  );

  it.each(Object.entries(DERIVED))(
    'should be what the README says %s makes of its option',
    (_entry, { option, readme }) => {
      expect(rowOf(option).defaults.trim()).toBe(readme);
    },
  );

  it('should hold the default of every README option that has a value of its own', () => {
    const known = new Set([
      ...DEFAULT_LEAVES.map(([path]) => path),
      ...Object.values(DERIVED).map(({ option }) => option),
      ...WITHOUT_DEFAULT_VALUE,
    ]);

    expect(ROWS.flatMap(({ options }) => options).filter((option) => !known.has(option))).toEqual(
      [],
    );
  });

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
  ])('should be bounded where the README says %s is: %s', (option, text) => {
    expect(rowOf(option).row).toContain(text);
  });

  describe('named by the options JSDoc', () => {
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
});
