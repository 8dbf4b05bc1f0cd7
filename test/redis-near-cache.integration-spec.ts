import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { canTrack, RedisNearCache } from '../libs/feishu-auth/src/storage/redis-near-cache.js';
import { RedisServer } from './support/redis-server.js';

const STATE_DEADLINE_MS = 10_000;

/** Polls `condition` until it holds; fails after the deadline (a count of polls, not a timing). */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + STATE_DEADLINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`never ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A near cache on its own data connection, and a read of `key` that counts trips to Redis. */
async function openCache(server: RedisServer, ttlMs = 60_000) {
  const data = new Redis(server.url);
  const cache = new RedisNearCache(data, { ttlMs });
  let loads = 0;
  const read = (key: string) =>
    cache.read(key, async () => {
      loads += 1;
      const raw = await data.get(key);
      return raw === null ? undefined : (JSON.parse(raw) as { v: string });
    });
  return { data, cache, read, loads: () => loads };
}

describe('RedisNearCache on a real redis-server', () => {
  let server: RedisServer;
  let writer: Redis;
  const opened: { data: Redis; cache: RedisNearCache }[] = [];

  async function trackedCache(ttlMs?: number) {
    const opening = await openCache(server, ttlMs);
    opened.push(opening);
    await until(() => opening.cache.active, 'tracking');
    return opening;
  }

  beforeAll(async () => {
    server = await RedisServer.start();
    writer = new Redis(server.url);
  });

  afterAll(async () => {
    writer.disconnect();
    await server.stop();
  });

  beforeEach(async () => {
    await writer.flushall();
  });

  afterEach(async () => {
    for (const { data, cache } of opened.splice(0)) {
      await cache.close();
      data.disconnect();
    }
  });

  it('should serve a record again from memory, reading Redis once', async () => {
    const { read, loads } = await trackedCache();
    await writer.set('k', JSON.stringify({ v: 'one' }));

    const answers = [await read('k'), await read('k'), await read('k')];

    expect(answers).toEqual(Array(3).fill({ v: 'one' }));
    expect(loads()).toBe(1);
  });

  it.each<[string, (redis: Redis) => Promise<unknown>, { v: string } | undefined]>([
    ['written', (redis) => redis.set('k', JSON.stringify({ v: 'two' })), { v: 'two' }],
    ['deleted', (redis) => redis.del('k'), undefined],
    ['expired', (redis) => redis.pexpire('k', 0), undefined],
    ['renamed away', (redis) => redis.rename('k', 'elsewhere'), undefined],
    ['flushed the database holding', (redis) => redis.flushall(), undefined],
  ])(
    'should read Redis again once another connection has %s the key',
    async (_label, change, expected) => {
      const { cache, read, loads } = await trackedCache();
      await writer.set('k', JSON.stringify({ v: 'one' }));
      expect(await read('k')).toEqual({ v: 'one' });

      await change(writer);
      await cache.barrier();

      expect(await read('k')).toEqual(expected);
      expect(loads()).toBe(2);
    },
  );

  it('should not keep what a read answered when the key changed while it was in flight', async () => {
    const { data, cache, read, loads } = await trackedCache();
    await writer.set('k', JSON.stringify({ v: 'old' }));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inFlight = cache.read('k', async () => {
      const raw = await data.get('k');
      await gate;
      return JSON.parse(raw!) as { v: string };
    });
    await new Promise((resolve) => setImmediate(resolve));
    await writer.set('k', JSON.stringify({ v: 'new' }));
    await cache.barrier();
    release();

    expect(await inFlight).toEqual({ v: 'old' });
    expect(await read('k')).toEqual({ v: 'new' });
    expect(await read('k')).toEqual({ v: 'new' });
    expect(loads()).toBe(1);
  });

  it('should read Redis every time while the invalidation connection is down, and keep records again once it is back', async () => {
    const { cache, read, loads } = await trackedCache();
    await writer.set('k', JSON.stringify({ v: 'one' }));
    await read('k');
    await writer.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    await until(() => !cache.active, 'stopped after the kill');

    await writer.set('k', JSON.stringify({ v: 'two' }));
    const whileDown = [await read('k'), await read('k')];
    await until(() => cache.active, 'tracking again');
    await read('k');
    await read('k');

    expect(whileDown).toEqual([{ v: 'two' }, { v: 'two' }]);
    expect(loads()).toBe(4);
  });

  it('should drop what it kept when its data connection drops, and track the new one', async () => {
    const { data, cache, read, loads } = await trackedCache();
    await writer.set('k', JSON.stringify({ v: 'one' }));
    await read('k');
    await writer.call('CLIENT', 'KILL', 'ID', String(await data.client('ID')));
    await until(() => !cache.active, 'stopped after the kill');
    await writer.set('k', JSON.stringify({ v: 'two' }));
    await until(() => cache.active, 'tracking the new connection');

    expect(await read('k')).toEqual({ v: 'two' });
    await writer.set('k', JSON.stringify({ v: 'three' }));
    await cache.barrier();
    expect(await read('k')).toEqual({ v: 'three' });
    expect(loads()).toBe(3);
  });

  it('should never track, and read Redis every time, when the server refuses CLIENT', async () => {
    const refusing = await RedisServer.start(['--rename-command', 'CLIENT', '']);
    try {
      const { data, cache, read, loads } = await openCache(refusing);
      opened.push({ data, cache });
      await data.set('k', JSON.stringify({ v: 'one' }));
      for (let i = 0; i < 3; i++) expect(await read('k')).toEqual({ v: 'one' });

      expect(cache.active).toBe(false);
      expect(loads()).toBe(3);
    } finally {
      for (const { data, cache } of opened.splice(0)) {
        await cache.close();
        data.disconnect();
      }
      await refusing.stop();
    }
  });

  it('should stay off while its invalidation connection reaches another server than its data connection', async () => {
    const other = await RedisServer.start();
    try {
      await writer.set('k', JSON.stringify({ v: 'one' }));
      await writer.config('RESETSTAT');
      const data = new Redis(server.url);
      // As after a Sentinel failover: the second connection lands on the former master.
      const elsewhere = Object.assign(data, {
        duplicate: (override: Record<string, unknown>) => new Redis(other.url, override),
      });
      const cache = new RedisNearCache(elsewhere, { ttlMs: 60_000 });
      opened.push({ data, cache });
      const deadline = Date.now() + STATE_DEADLINE_MS;
      // Until the data connection has looked for the invalidation connection on its server.
      while (!/^cmdstat_client\|list:calls=[1-9]/m.test(await writer.info('commandstats'))) {
        if (Date.now() > deadline) throw new Error('never looked');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      let loads = 0;
      const read = () =>
        cache.read('k', async () => {
          loads += 1;
          return JSON.parse((await data.get('k'))!) as { v: string };
        });
      for (let i = 0; i < 3; i++) expect(await read()).toEqual({ v: 'one' });

      expect(cache.active).toBe(false);
      expect(loads).toBe(3);
    } finally {
      for (const { data, cache } of opened.splice(0)) {
        await cache.close();
        data.disconnect();
      }
      await other.stop();
    }
  });

  it('should leave the data connection untracked once closed', async () => {
    const { data, cache } = await trackedCache();
    await cache.close();

    expect(String(await data.client('TRACKINGINFO'))).toContain('off');
  });
});

describe('canTrack', () => {
  const connection = {
    status: 'ready',
    call: async () => 'OK',
    on: () => undefined,
    removeListener: () => undefined,
    duplicate: () => undefined,
  };
  it.each<[string, object, boolean]>([
    ['an ioredis Redis client', connection, true],
    ['an ioredis Cluster', { ...connection, isCluster: true }, false],
    [
      'a client that cannot open a second connection',
      { ...connection, duplicate: undefined },
      false,
    ],
  ])('should say whether it can follow %s', (_label, client, expected) => {
    expect(canTrack(client)).toBe(expected);
  });
});
