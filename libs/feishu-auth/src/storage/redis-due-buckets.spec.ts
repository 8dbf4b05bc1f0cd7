import { describe, expect, it } from '@jest/globals';
import calculateSlot from 'cluster-key-slot';
import { array, assert, integer, property, string, tuple } from 'fast-check';
import { bucketTag, dueBucketKeys, dueBucketOf, mergeDue } from './redis-due-buckets.js';

describe('dueBucketKeys', () => {
  it('should keep the single due key on a single node', () => {
    expect(dueBucketKeys('feishu:', 1)).toEqual(['feishu:due']);
  });

  it.each([
    [16, 'feishu:'],
    [16, 'app2:'],
    [3, 'feishu:'],
  ])(
    'should put each of %i buckets (prefix %s) in its own equal share of the 16384 slots',
    (buckets, prefix) => {
      const slots = dueBucketKeys(prefix, buckets).map((key) => calculateSlot(key));
      slots.forEach((slot, bucket) => {
        expect(slot).toBeGreaterThanOrEqual(Math.floor((bucket * 16384) / buckets));
        expect(slot).toBeLessThan(Math.floor(((bucket + 1) * 16384) / buckets));
      });
    },
  );

  it('should name the same tags on every instance, whatever the prefix', () => {
    expect(dueBucketKeys('a:', 16).map((key) => key.slice(2))).toEqual(
      dueBucketKeys('feishu:', 16).map((key) => key.slice(7)),
    );
    expect(bucketTag(0, 16)).toBe(bucketTag(0, 16));
  });
});

describe('dueBucketOf', () => {
  it.each([
    ['user:cli_a:ou_1', 1, 0],
    ['anything', 1, 0],
  ])('should put %s in bucket %i of %i', (member, buckets, expected) => {
    expect(dueBucketOf(member, buckets)).toBe(expected);
  });

  it('should spread members over all 16 buckets, each within a third of the mean', () => {
    const counts = Array.from({ length: 16 }, () => 0);
    for (let index = 0; index < 16_000; index++)
      counts[dueBucketOf(`user:cli_a:ou_${index}`, 16)]!++;
    for (const count of counts) {
      expect(count).toBeGreaterThan(667);
      expect(count).toBeLessThan(1333);
    }
  });
});

describe('mergeDue', () => {
  it.each<[string, string[][], number, string[]]>([
    ['nothing due', [[], []], 5, []],
    ['one bucket', [['a', '1', 'b', '2']], 5, ['a', 'b']],
    [
      'interleaved buckets',
      [
        ['a', '1', 'c', '3'],
        ['b', '2', 'd', '4'],
      ],
      10,
      ['a', 'b', 'c', 'd'],
    ],
    [
      'bounded by limit',
      [
        ['a', '1', 'c', '3'],
        ['b', '2', 'd', '4'],
      ],
      3,
      ['a', 'b', 'c'],
    ],
    [
      'ties in member order',
      [
        ['m', '5'],
        ['k', '5'],
      ],
      2,
      ['k', 'm'],
    ],
    [
      'negative and huge scores',
      [
        ['x', '-10'],
        ['y', '1e15'],
      ],
      2,
      ['x', 'y'],
    ],
  ])('should merge %s', (_label, replies, limit, expected) => {
    expect(mergeDue(replies, limit)).toEqual(expected);
  });

  it('should equal sorting everything and taking the first limit members', () => {
    const entry = tuple(string({ minLength: 1, maxLength: 4 }), integer({ min: 0, max: 50 }));
    assert(
      property(
        array(array(entry, { maxLength: 8 }), { maxLength: 5 }),
        integer({ min: 0, max: 20 }),
        (buckets, limit) => {
          // Each bucket as Redis answers: unique members, earliest first.
          const seen = new Set<string>();
          const sorted = buckets.map((bucket) =>
            bucket
              .filter(([member]) => !seen.has(member) && seen.add(member))
              .sort(([a, x], [b, y]) => x - y || (a < b ? -1 : a > b ? 1 : 0)),
          );
          const replies = sorted.map((bucket) =>
            bucket.slice(0, limit).flatMap(([m, s]) => [m, String(s)]),
          );
          const expected = sorted
            .flat()
            .sort(([a, x], [b, y]) => x - y || (a < b ? -1 : a > b ? 1 : 0))
            .slice(0, limit)
            .map(([member]) => member);
          expect(mergeDue(replies, limit)).toEqual(expected);
        },
      ),
    );
  });
});
