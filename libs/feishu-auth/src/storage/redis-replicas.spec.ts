import { describe, expect, it } from '@jest/globals';
import {
  REPLICA_MEMORY_MS,
  REPLICA_RECHECK_MS,
  ReplicaTracker,
  replicasInRole,
} from './redis-replicas.js';
import type { RedisTokenStoreClient } from './redis-token-store.client.js';

describe('replicasInRole', () => {
  it.each<[string, unknown[], number | undefined]>([
    ['a master without replicas', ['master', 0, []], 0],
    ['a master with one online replica', ['master', 3129, [['127.0.0.1', '9001', '3129']]], 1],
    [
      'a master with two',
      [
        'master',
        10,
        [
          ['10.0.0.2', '6379', '10'],
          ['10.0.0.3', '6379', '9'],
        ],
      ],
      2,
    ],
    ['a replica (a former master)', ['slave', '127.0.0.1', 9000, 'connected', 3167], undefined],
    ['a sentinel', ['sentinel', ['mymaster']], undefined],
  ])('should count %s', (_label, reply, expected) => {
    expect(replicasInRole(reply)).toBe(expected);
  });
});

/** A single-node client answering ROLE with `replies` in turn (the last one repeated). */
function client(replies: unknown[][]): { client: RedisTokenStoreClient; roles: () => number } {
  let roles = 0;
  const fake = {
    role: async () => replies[Math.min(roles++, replies.length - 1)]!,
  } as unknown as RedisTokenStoreClient;
  return { client: fake, roles: () => roles };
}

describe('ReplicaTracker on a single node', () => {
  it('should ask ROLE once per recheck period, and again once the period has passed', async () => {
    let now = 0;
    const tracker = new ReplicaTracker(() => now);
    const { client: redis, roles } = client([
      ['master', 0, []],
      ['master', 0, [['h', '1', '0']]],
    ]);

    expect(await tracker.replicasFor(redis, 'k1')).toBe(0);
    now += REPLICA_RECHECK_MS - 1;
    expect(await tracker.replicasFor(redis, 'k2')).toBe(0);
    expect(roles()).toBe(1);
    now += 1;
    expect(await tracker.replicasFor(redis, 'k1')).toBe(1);
    expect(roles()).toBe(2);
  });

  it('should ask again at once after forget (a WAIT nobody acknowledged)', async () => {
    const tracker = new ReplicaTracker(() => 0);
    const { client: redis, roles } = client([
      ['master', 0, []],
      ['master', 0, [['h', '1', '0']]],
    ]);

    expect(await tracker.replicasFor(redis, 'k')).toBe(0);
    tracker.forget(redis, 'k');

    expect(await tracker.replicasFor(redis, 'k')).toBe(1);
    expect(roles()).toBe(2);
  });

  it('should still count a replica whose link dropped, until none was seen for REPLICA_MEMORY_MS', async () => {
    let now = 0;
    const tracker = new ReplicaTracker(() => now);
    const { client: redis } = client([
      ['master', 0, [['h', '1', '0']]],
      ['master', 0, []],
    ]);

    expect(await tracker.replicasFor(redis, 'k')).toBe(1);
    now += REPLICA_MEMORY_MS - 1;
    expect(await tracker.replicasFor(redis, 'k')).toBe(1);
    now += REPLICA_RECHECK_MS; // asked again: no replica for longer than REPLICA_MEMORY_MS
    expect(await tracker.replicasFor(redis, 'k')).toBe(0);
  });

  it('should assume a replica, and ask again next time, when the node it asked is no master any more', async () => {
    const tracker = new ReplicaTracker(() => 0);
    const { client: redis, roles } = client([
      ['slave', '127.0.0.1', 9000, 'connected', 1],
      ['master', 0, []],
    ]);

    expect(await tracker.replicasFor(redis, 'k')).toBe(1);
    expect(await tracker.replicasFor(redis, 'k')).toBe(0);
    expect(roles()).toBe(2);
  });

  it('should send one ROLE for many concurrent writes', async () => {
    const tracker = new ReplicaTracker(() => 0);
    const { client: redis, roles } = client([['master', 0, []]]);

    await Promise.all(
      Array.from({ length: 50 }, (_, index) => tracker.replicasFor(redis, `k${index}`)),
    );

    expect(roles()).toBe(1);
  });
});
