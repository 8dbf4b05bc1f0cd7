import { describe, expect, it } from '@jest/globals';
import { copyJson, NearCache } from './near-cache.js';

const record = (token: string) => ({ token, profile: { name: 'Ada', tags: ['a'] }, at: 1 });

/** A cache on a clock the test moves, and one read of `key` answered with `value`. */
function setup(options: { ttlMs?: number; maxEntries?: number } = {}) {
  let now = 0;
  const cache = new NearCache(options, () => now);
  const readFromStore = (key: string, value: object | undefined) =>
    cache.fill(key, cache.ticket(key), value);
  return { cache, readFromStore, advance: (ms: number) => (now += ms) };
}

describe('NearCache', () => {
  it('should keep what a read answered and give it back until the TTL cap passes', () => {
    const { cache, readFromStore, advance } = setup({ ttlMs: 1000 });
    readFromStore('k', record('t1'));

    advance(999);
    expect(cache.get('k')).toEqual(record('t1'));
    advance(1);
    expect(cache.get('k')).toBeUndefined();
  });

  it.each<[string, (cache: NearCache) => void]>([
    ['the key is invalidated', (cache) => cache.invalidate('k')],
    ['the cache is cleared', (cache) => cache.clear()],
  ])('should not keep a read that was in flight when %s', (_label, change) => {
    const { cache } = setup();
    const ticket = cache.ticket('k');
    change(cache);

    expect(cache.fill('k', ticket, record('old'))).toEqual(record('old'));
    expect(cache.get('k')).toBeUndefined();
  });

  it('should keep only the latest of two reads of one key in flight', () => {
    const { cache } = setup();
    const first = cache.ticket('k');
    const second = cache.ticket('k');

    cache.fill('k', second, record('second'));
    cache.fill('k', first, record('first'));

    expect(cache.get('k')).toEqual(record('second'));
  });

  it('should not keep an absent record', () => {
    const { cache, readFromStore } = setup();
    expect(readFromStore('k', undefined)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('should drop the oldest record once maxEntries are kept', () => {
    const { cache, readFromStore } = setup({ maxEntries: 2 });
    for (const key of ['a', 'b', 'c']) readFromStore(key, record(key));

    expect(cache.get('a')).toBeUndefined();
    expect([cache.get('b'), cache.get('c')]).toEqual([record('b'), record('c')]);
    expect(cache.size).toBe(2);
  });

  it('should not let a caller change what is kept by mutating what it was given', () => {
    const { cache, readFromStore } = setup();
    const filled = readFromStore('k', record('t1')) as ReturnType<typeof record>;
    filled.profile.name = 'mutated';
    const served = cache.get<ReturnType<typeof record>>('k')!;
    served.profile.tags.push('mutated');

    expect(cache.get('k')).toEqual(record('t1'));
  });
});

describe('copyJson', () => {
  it.each<[string, unknown]>([
    ['a string', 'token'],
    ['null', null],
    ['a number', 42],
  ])('should give %s back as it is', (_label, value) => {
    expect(copyJson(value)).toBe(value);
  });

  it.each<[string, object]>([
    ['a flat record', { a: 1, b: 'x', c: true }],
    ['nested objects and arrays', { a: { b: [1, { c: 'd' }] } }],
  ])('should copy %s to an equal value sharing no object', (_label, value) => {
    const copy = copyJson(value);
    expect(copy).toEqual(value);
    expect(copy).not.toBe(value);
  });
});
