import { RedisTokenStore } from '@feishu-auth/nestjs';
import { Cluster } from 'ioredis';
import { RedisCluster } from './redis-cluster.js';
import { RedisServer } from './redis-server.js';

/** A running Redis deployment the instance app can be pointed at, and a store on it for the test. */
export interface StoreBackend {
  /** The instance app's environment for it (`REDIS_URL` or `REDIS_CLUSTER_NODES`). */
  env: Record<string, string>;
  /** The test's own store on the same data (same key prefix as the instances). */
  store: RedisTokenStore;
  /** Takes the whole deployment down and brings it back (empty: no persistence). */
  outage?: { stop(): Promise<void>; start(): Promise<void> };
  stop(): Promise<void>;
}

export interface StoreBackendSetup {
  name: string;
  start(): Promise<StoreBackend>;
}

/** An ioredis `Cluster` client as docs/stores.md configures one (and as the instance app does). */
export function clusterClient(cluster: RedisCluster): Cluster {
  const client = new Cluster(cluster.startupNodes, {
    // The slot table (and the replicas it lists) read again every second.
    slotsRefreshInterval: 1000,
    redisOptions: {
      commandTimeout: 2000,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 1,
    },
  });
  client.on('error', () => undefined);
  return client;
}

export function clusterEnv(cluster: RedisCluster): Record<string, string> {
  return {
    REDIS_CLUSTER_NODES: cluster.startupNodes.map(({ host, port }) => `${host}:${port}`).join(','),
  };
}

export const SINGLE_NODE: StoreBackendSetup = {
  name: 'one redis-server',
  async start() {
    const server = await RedisServer.start();
    const store = new RedisTokenStore({ url: server.url });
    return {
      env: { REDIS_URL: server.url },
      store,
      outage: { stop: () => server.stopProcess(), start: () => server.startProcess() },
      async stop() {
        await store.close();
        await server.stop();
      },
    };
  },
};

export const CLUSTER: StoreBackendSetup = {
  name: 'a Redis Cluster (3 masters, 1 replica each)',
  async start() {
    const cluster = await RedisCluster.start();
    const client = clusterClient(cluster);
    return {
      env: clusterEnv(cluster),
      store: new RedisTokenStore({ client }),
      async stop() {
        await client.quit().catch(() => client.disconnect());
        await cluster.stop();
      },
    };
  },
};
