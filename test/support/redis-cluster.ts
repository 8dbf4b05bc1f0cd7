import { Redis } from 'ioredis';
import { run } from './processes.helper.js';
import { RedisServer } from './redis-server.js';

const CREATE_TIMEOUT_MS = 60_000;
const HEALTHY_TIMEOUT_MS = 60_000;

export interface RedisClusterOptions {
  masters?: number;
  replicasPerMaster?: number;
  /**
   * `cluster-node-timeout`: how long a master may be unreachable before the others count it as
   * failed and its replica takes over. Redis's default is 15 s; tests use 1 s.
   */
  nodeTimeoutMs?: number;
}

/** Where a hash slot lives: its master's and replicas' ports. */
export interface SlotOwners {
  master: number;
  replicas: number[];
}

/**
 * A throwaway Redis Cluster for tests, made of `RedisServer`s (free loopback ports, temp dirs, no
 * persistence) joined by `redis-cli --cluster create`: 3 masters with 1 replica each by default.
 * A node can be killed (SIGKILL) and started again: it keeps its `nodes.conf`, so it rejoins as a
 * replica of whichever node took over its slots. `DEBUG` is enabled (tests use `DEBUG SLEEP` to
 * hold a replica back).
 */
export class RedisCluster {
  private constructor(
    readonly nodes: readonly RedisServer[],
    readonly nodeTimeoutMs: number,
  ) {}

  static async start(options: RedisClusterOptions = {}): Promise<RedisCluster> {
    const masters = options.masters ?? 3;
    const replicas = options.replicasPerMaster ?? 1;
    const nodeTimeoutMs = options.nodeTimeoutMs ?? 1000;
    const args = [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      'nodes.conf',
      '--cluster-node-timeout',
      String(nodeTimeoutMs),
      // A replica takes over however long it was cut off from its master (a test holds it back).
      '--cluster-replica-validity-factor',
      '0',
      '--enable-debug-command',
      'yes',
      // A node started again syncs at once (Redis waits 5 s by default to batch replicas).
      '--repl-diskless-sync-delay',
      '0',
    ];
    const nodes = await Promise.all(
      Array.from({ length: masters * (1 + replicas) }, () => RedisServer.start(args)),
    );
    const cluster = new RedisCluster(nodes, nodeTimeoutMs);
    try {
      await run(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...nodes.map((node) => `127.0.0.1:${node.port}`),
          '--cluster-replicas',
          String(replicas),
          '--cluster-yes',
        ],
        { cwd: process.cwd(), timeoutMs: CREATE_TIMEOUT_MS },
      );
      await cluster.waitHealthy();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** For `new Cluster(startupNodes)`. */
  get startupNodes(): { host: string; port: number }[] {
    return this.nodes.map((node) => ({ host: '127.0.0.1', port: node.port }));
  }

  node(port: number): RedisServer {
    const node = this.nodes.find((candidate) => candidate.port === port);
    if (!node) throw new Error(`no cluster node on port ${port}`);
    return node;
  }

  /** A short-lived admin connection to one node. */
  async on<T>(port: number, command: (redis: Redis) => Promise<T>): Promise<T> {
    const redis = new Redis({
      host: '127.0.0.1',
      port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return await command(redis);
    } finally {
      redis.disconnect();
    }
  }

  /** The master and replicas of `key`'s slot, as a running node sees the cluster now. */
  async ownersOf(key: string): Promise<SlotOwners> {
    const port = this.nodes.find((node) => node.running)!.port;
    return this.on(port, async (redis) => {
      const slot = Number(await redis.cluster('KEYSLOT', key));
      const ranges = await redis.cluster('SLOTS');
      const range = ranges.find(([start, end]) => start <= slot && slot <= end);
      if (!range) throw new Error(`slot ${slot} is not served`);
      const [, , master, ...replicas] = range;
      return { master: master[1], replicas: replicas.map(([, replicaPort]) => replicaPort) };
    });
  }

  /**
   * Resolves once every running node reports `cluster_state:ok` and every master has as many
   * online replicas as running replicas name it (so a node that was started again has synced).
   */
  async waitHealthy(timeoutMs = HEALTHY_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        if (await this.isHealthy()) return;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the cluster did not become healthy within ${timeoutMs} ms ${last}`);
  }

  /** Stops every node and removes their directories. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.nodes.map((node) => node.stop()));
  }

  private async isHealthy(): Promise<boolean> {
    const running = this.nodes.filter((node) => node.running);
    const infos = await Promise.all(
      running.map((node) =>
        this.on(node.port, async (redis) => ({
          port: node.port,
          cluster: await redis.cluster('INFO'),
          replication: await redis.info('replication'),
        })),
      ),
    );
    if (!infos.every(({ cluster }) => String(cluster).includes('cluster_state:ok'))) return false;
    // Every running node knows every other one (gossip has spread the replicas too).
    for (const { port } of infos) {
      const ranges = await this.on(port, (redis) => redis.cluster('SLOTS'));
      const known = new Set(ranges.flatMap(([, , ...nodes]) => nodes.map((node) => node[1])));
      if (known.size !== running.length) return false;
    }
    let expected = 0;
    let online = 0;
    for (const { replication } of infos) {
      if (/^role:slave/m.test(replication)) {
        expected++;
        if (!/^master_link_status:up/m.test(replication)) return false;
      } else {
        online += replicasOnline(replication);
      }
    }
    return online === expected;
  }
}

/** The replicas a master's `INFO replication` lists as online. */
function replicasOnline(text: string): number {
  return (text.match(/^slave\d+:.*state=online/gm) ?? []).length;
}
