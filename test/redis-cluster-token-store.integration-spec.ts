import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RedisTokenStore, type FeishuUserTokenRecord } from '@feishu-auth/nestjs';
import { Cluster } from 'ioredis';
import { describeTokenStoreContract } from '@feishu-auth/nestjs/testing';
import { RedisCluster } from './support/redis-cluster.js';

/** 3 masters with a replica each, and 3 masters without: both started by the test. */
let replicated: RedisCluster;
let bare: RedisCluster;
const clients: Cluster[] = [];

/** An ioredis Cluster client as docs/stores.md configures one. */
function clusterClient(cluster: RedisCluster): Cluster {
  const client = new Cluster(cluster.startupNodes, {
    redisOptions: { commandTimeout: 2000, autoResendUnfulfilledCommands: false },
  });
  client.on('error', () => undefined);
  clients.push(client);
  return client;
}

function record(openId: string): FeishuUserTokenRecord {
  const now = Date.now();
  return {
    appId: 'cli_a',
    openId,
    tenantKey: 'tk',
    accessToken: `a-${randomUUID()}`,
    accessTokenExpiresAt: now + 7_200_000,
    refreshToken: `r-${randomUUID()}`,
    refreshTokenExpiresAt: now + 86_400_000,
    issuer: 'v2',
    updatedAt: now,
  };
}

/** `cmdstat_<name>` calls summed over the cluster's nodes. */
async function calls(cluster: RedisCluster, command: string): Promise<number> {
  let total = 0;
  for (const node of cluster.nodes.filter((candidate) => candidate.running)) {
    const stats = await cluster.on(node.port, (redis) => redis.info('commandstats'));
    total += Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
  }
  return total;
}

async function resetStats(cluster: RedisCluster): Promise<void> {
  for (const node of cluster.nodes)
    await cluster.on(node.port, (redis) => redis.config('RESETSTAT'));
}

beforeAll(async () => {
  [replicated, bare] = await Promise.all([
    RedisCluster.start(),
    RedisCluster.start({ replicasPerMaster: 0 }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.quit()));
  await Promise.allSettled([replicated?.stop(), bare?.stop()]);
});

describeTokenStoreContract('RedisTokenStore on a Redis Cluster (ioredis Cluster client)', () => {
  const keyPrefix = `contract:${randomUUID()}:`;
  return {
    store: new RedisTokenStore({ client: clusterClient(replicated), keyPrefix }),
    now: () => Date.now(),
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    peer: () => new RedisTokenStore({ client: clusterClient(replicated), keyPrefix }),
  };
});

describe('RedisTokenStore on a Redis Cluster', () => {
  it('should spread the due index over all three masters and read every bucket once per getDue', async () => {
    const store = new RedisTokenStore({ client: clusterClient(replicated), keyPrefix: 'spread:' });
    const now = Date.now();
    for (let index = 0; index < 64; index++) {
      await store.scheduleRefresh(`user:cli_a:ou_${index}`, now - 1000 + index);
    }
    const admin = clusterClient(replicated);
    await admin.ping();
    const buckets = (
      await Promise.all(admin.nodes('master').map((node) => node.keys('spread:due*')))
    ).map((keys) => keys.length);
    await resetStats(replicated);

    const due = await store.getDue(now, 5);

    expect(due).toEqual(['ou_0', 'ou_1', 'ou_2', 'ou_3', 'ou_4'].map((id) => `user:cli_a:${id}`));
    expect(buckets.reduce((sum, count) => sum + count, 0)).toBe(16);
    expect(buckets.every((count) => count >= 4)).toBe(true);
    expect(await calls(replicated, 'zrangebyscore')).toBe(16);
  });

  it("should confirm a user's tokens on a replica (WAIT 1) before setUserToken resolves", async () => {
    const store = new RedisTokenStore({ client: clusterClient(replicated), keyPrefix: 'ack:' });
    const written = record('ou_ack');
    await store.getUserToken('cli_a', 'ou_ack'); // connected before the counters are reset
    await resetStats(replicated);

    expect(await store.setUserToken(written, 3600)).toEqual({ replicated: true });

    const { master, replicas } = await replicated.ownersOf('ack:user:cli_a:ou_ack');
    expect(
      await replicated.on(replicas[0]!, (redis) =>
        redis.call('READONLY').then(() => redis.get('ack:user:cli_a:ou_ack')),
      ),
    ).toBe(JSON.stringify(written));
    expect(await calls(replicated, 'wait')).toBe(1);
    expect(await replicated.on(master, (redis) => redis.info('commandstats'))).toMatch(
      /^cmdstat_wait:calls=1,/m,
    );
    // The replica is listed in the client's slot table: no ROLE needed.
    expect(await calls(replicated, 'role')).toBe(0);
  });

  it('should keep the tokens on the master and answer replicated: false when no replica confirms in time', async () => {
    const store = new RedisTokenStore({
      client: clusterClient(replicated),
      keyPrefix: 'late:',
      replicaAckTimeoutMs: 200,
    });
    const written = record('ou_late');
    await store.setUserToken(record('ou_late'), 3600);
    const { replicas } = await replicated.ownersOf('late:user:cli_a:ou_late');
    // The replica stops reading its master's stream for a second.
    const asleep = replicated.on(replicas[0]!, (redis) => redis.call('DEBUG', 'SLEEP', '1'));
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(await store.setUserToken(written, 3600)).toEqual({ replicated: false });
    expect(await store.getUserToken('cli_a', 'ou_late')).toEqual(written);
    await asleep;
  });

  it('should send no WAIT and at most one ROLE per master on a cluster without replicas', async () => {
    const store = new RedisTokenStore({ client: clusterClient(bare), keyPrefix: 'bare:' });
    await store.getUserToken('cli_a', 'ou_0');
    await resetStats(bare);

    for (let index = 0; index < 30; index++) {
      expect(await store.setUserToken(record(`ou_${index}`), 3600)).toBeUndefined();
    }

    expect(await calls(bare, 'wait')).toBe(0);
    expect(await calls(bare, 'set')).toBe(30);
    expect(await calls(bare, 'role')).toBeLessThanOrEqual(3);
  });
});
