import { describe, expect, it } from '@jest/globals';
import {
  array,
  assert,
  constantFrom,
  constant,
  integer,
  oneof,
  property,
  record,
  type Arbitrary,
} from 'fast-check';
import { DueIndex } from './due-index.js';

type Operation =
  | { kind: 'schedule'; member: string; dueAt: number }
  | { kind: 'unschedule'; member: string }
  | { kind: 'due'; now: number; limit: number };

const member = constantFrom(...Array.from({ length: 12 }, (_, index) => `user:ou_${index}`));
const operation: Arbitrary<Operation> = oneof(
  record({
    kind: constant('schedule' as const),
    member,
    dueAt: integer({ min: 0, max: 100 }),
  }),
  record({ kind: constant('unschedule' as const), member }),
  record({
    kind: constant('due' as const),
    now: integer({ min: 0, max: 100 }),
    limit: integer({ min: 0, max: 15 }),
  }),
);

/** The obvious O(n) answer, against which the heap is checked. */
function expectedDue(
  model: Map<string, { dueAt: number; order: number }>,
  now: number,
  limit: number,
): string[] {
  return [...model.entries()]
    .filter(([, entry]) => entry.dueAt <= now)
    .sort(([, a], [, b]) => a.dueAt - b.dueAt || a.order - b.order)
    .slice(0, limit)
    .map(([name]) => name);
}

describe('DueIndex', () => {
  it('should answer every due query like a full sort of the scheduled members would', () => {
    assert(
      property(array(operation, { maxLength: 200 }), (operations) => {
        const index = new DueIndex();
        const model = new Map<string, { dueAt: number; order: number }>();
        let order = 0;
        const answers: string[][] = [];
        const expected: string[][] = [];
        const sizes: [number, number][] = [];
        for (const op of operations) {
          if (op.kind === 'schedule') {
            index.schedule(op.member, op.dueAt);
            if (model.get(op.member)?.dueAt !== op.dueAt)
              model.set(op.member, { dueAt: op.dueAt, order: order++ });
          } else if (op.kind === 'unschedule') {
            index.unschedule(op.member);
            model.delete(op.member);
          } else {
            answers.push(index.due(op.now, op.limit));
            expected.push(expectedDue(model, op.now, op.limit));
          }
          sizes.push([index.size, model.size]);
        }
        expect(answers).toEqual(expected);
        expect(sizes.every(([actual, wanted]) => actual === wanted)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('should keep its heap proportional to the live members however often they are rescheduled', () => {
    const index = new DueIndex();
    for (let round = 0; round < 50; round++) {
      for (let user = 0; user < 1000; user++)
        index.schedule(`user:${user}`, 1_000_000 + round * 10 + user);
    }

    expect(index.size).toBe(1000);
    expect(index.heapLength).toBeLessThanOrEqual(1000 + 2 * 1000 + 1024 + 1);
    expect(index.due(1_000_000 + 49 * 10 + 2, 10)).toEqual(['user:0', 'user:1', 'user:2']);
  });

  it('should drop unscheduled members from memory, not only from answers', () => {
    const index = new DueIndex();
    for (let user = 0; user < 5000; user++) index.schedule(`user:${user}`, 10_000 + user);
    for (let user = 0; user < 5000; user++) index.unschedule(`user:${user}`);

    expect(index.size).toBe(0);
    expect(index.heapLength).toBeLessThanOrEqual(1024 + 1);
    expect(index.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });

  it('should return members that share a due time in the order they were scheduled', () => {
    const index = new DueIndex();
    index.schedule('b', 5);
    index.schedule('a', 5);
    index.schedule('c', 5);

    expect(index.due(5, 10)).toEqual(['b', 'a', 'c']);
    expect(index.due(5, 10)).toEqual(['b', 'a', 'c']);
  });
});
