import fc from 'fast-check';
import { MAX_LOGGED_INPUT_LENGTH, quoteInput } from './log-input.util.js';

describe('quoteInput', () => {
  it.each([
    ['a plain id', 'cli_other', '"cli_other"'],
    ['an empty string', '', '""'],
    ['a forged log line', 'x\nERROR admin logged in', '"x\\nERROR admin logged in"'],
    ['a quote', 'a"b', '"a\\"b"'],
    ['a terminal escape', '\u001b[31mred', '"\\u001b[31mred"'],
    ['a Unicode line separator', 'a\u2028b', '"a\\u2028b"'],
    ['a number', 42, '<number>'],
    ['null', null, '<null>'],
    ['an object', { app: 'x' }, '<object>'],
    ['undefined', undefined, '<undefined>'],
  ])('should quote %s', (_label, value, logged) => {
    expect(quoteInput(value)).toBe(logged);
  });

  it('should cut a long string and note its length', () => {
    const logged = quoteInput('a'.repeat(10_000));

    expect(logged).toBe(`"${'a'.repeat(MAX_LOGGED_INPUT_LENGTH)}"… (10000 characters)`);
  });

  it('should never let any string add a line or more than the cap to a log line', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (value) => {
        const logged = quoteInput(value);
        // eslint-disable-next-line no-control-regex
        expect(logged).not.toMatch(/[\u0000-\u001f\u2028\u2029]/);
        expect(logged.length).toBeLessThanOrEqual(MAX_LOGGED_INPUT_LENGTH * 6 + 32);
      }),
      { numRuns: 500 },
    );
  });
});
