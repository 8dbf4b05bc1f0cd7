import { RedisTokenStore } from '@feishu-auth/nestjs';
import { Cluster, Redis } from 'ioredis';

// #region cluster
// Redis Cluster: give the store an ioredis Cluster. Commands are bounded and never replayed late.
const cluster = new Cluster(
  [
    { host: '10.0.0.11', port: 6379 },
    { host: '10.0.0.12', port: 6379 },
  ],
  {
    slotsRefreshInterval: 5000, // learn of replicas that joined (the store waits for them)
    redisOptions: {
      commandTimeout: 2000,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 1,
    },
  },
);
cluster.on('error', (error) => console.warn(`Redis Cluster: ${error.message}`));
const onCluster = new RedisTokenStore({ client: cluster });
// #endregion cluster

// #region sentinel
// Sentinel: an ioredis Redis that asks the sentinels for the current master of `name`.
const primary = new Redis({
  sentinels: [
    { host: '10.0.0.21', port: 26379 },
    { host: '10.0.0.22', port: 26379 },
    { host: '10.0.0.23', port: 26379 },
  ],
  name: 'feishu',
  commandTimeout: 2000,
  autoResendUnfulfilledCommands: false,
  maxRetriesPerRequest: 1,
});
primary.on('error', (error) => console.warn(`Redis: ${error.message}`));
const onSentinel = new RedisTokenStore({ client: primary });
// #endregion sentinel

export const stores = { onCluster, onSentinel };
