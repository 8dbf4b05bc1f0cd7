import calculateSlot from 'cluster-key-slot';
import type { RedisTokenStoreClient, RedisTokenStoreNode } from './redis-token-store.client.js';

/** What is asked of a master: its `ROLE`. */
type Master = Pick<RedisTokenStoreNode, 'role'>;

/**
 * How long a master's replica count is trusted. A replica that attaches is noticed within this
 * time; one that detaches shows as a `WAIT` without an acknowledgement, which re-checks at once.
 */
export const REPLICA_RECHECK_MS = 1000;

/**
 * A master seen with a replica within this time still counts as having one when `ROLE` lists
 * none: a replica whose link just dropped (a network blip, a restart) is exactly when a write is
 * at risk, so the write still waits, and is reported when nobody acknowledges it. After this long
 * without a replica (one removed for good) the master counts as having none.
 */
export const REPLICA_MEMORY_MS = 60_000;

/**
 * The replicas `ROLE` lists on a master: online ones only (Redis skips those still syncing).
 * `undefined` when the node is no master (any more): the client's slot table is out of date.
 */
export function replicasInRole(reply: readonly unknown[]): number | undefined {
  if (reply[0] !== 'master') return undefined;
  return Array.isArray(reply[2]) ? reply[2].length : 0;
}

interface Known {
  replicas: number;
  checkedAt: number;
  /** When `ROLE` last listed a replica on this master. */
  replicaSeenAt?: number;
}

/**
 * Knows, cheaply, whether the master that holds a key has replicas: one `ROLE` per master and per
 * `REPLICA_RECHECK_MS`, sent only when a write asks, never on the write path of a deployment
 * without replicas more often than that. On a Cluster the key's master is found in the client's
 * slot table (which ioredis updates after a failover, and every `slotsRefreshInterval`), and the
 * replicas it lists count without asking; otherwise the client's own connection is the master
 * (with Sentinel, ioredis connects to the current one).
 */
export class ReplicaTracker {
  private readonly known = new Map<string, Known>();
  private readonly probing = new Map<string, Promise<number | undefined>>();

  constructor(private readonly clock: () => number = Date.now) {}

  /**
   * The replicas of `key`'s master, from the cache when it is fresh: those online, or 1 when one was
   * online within `REPLICA_MEMORY_MS`.
   */
  async replicasFor(client: RedisTokenStoreClient, key: string): Promise<number> {
    const master = masterOf(client, key);
    // Not in the slot table (it is being refreshed): assume a replica; a WAIT nobody answers says.
    if (!master) return 1;
    // The Cluster's own view (CLUSTER SLOTS leaves out failed nodes): a listed replica whose link
    // is down right now still deserves the WAIT.
    if (master.listed > 0) return master.listed;
    const { id, node } = master;
    const known = this.known.get(id);
    if (known && this.clock() - known.checkedAt < REPLICA_RECHECK_MS) return known.replicas;
    const replicas = await this.probe(id, node);
    if (replicas !== undefined) return replicas;
    // Asked a former master (a failover the slot table has not caught up with): assume a replica,
    // so the write is followed by a WAIT, which reports if nobody acknowledges.
    client.refreshSlotsCache?.();
    return 1;
  }

  /** After a `WAIT` nobody acknowledged, or a lost connection: ask again on the next write. */
  forget(client: RedisTokenStoreClient, key: string): void {
    const master = masterOf(client, key);
    const known = master && this.known.get(master.id);
    if (known) known.checkedAt = Number.NEGATIVE_INFINITY;
  }

  /** Everything (the client reconnected: with Sentinel, maybe to another master). */
  clear(): void {
    this.known.clear();
  }

  private probe(id: string, node: Master): Promise<number | undefined> {
    const pending = this.probing.get(id);
    if (pending) return pending;
    const probe = node
      .role()
      .then((reply) => {
        const online = replicasInRole(reply);
        if (online === undefined) return undefined;
        const now = this.clock();
        const replicaSeenAt = online > 0 ? now : this.known.get(id)?.replicaSeenAt;
        const recently = replicaSeenAt !== undefined && now - replicaSeenAt < REPLICA_MEMORY_MS;
        const replicas = online > 0 ? online : recently ? 1 : 0;
        this.known.set(id, { replicas, checkedAt: now, replicaSeenAt });
        return replicas;
      })
      .finally(() => this.probing.delete(id));
    this.probing.set(id, probe);
    return probe;
  }
}

/** The node holding `key`: its master on a Cluster, else the client itself. */
function masterOf(
  client: RedisTokenStoreClient,
  key: string,
): { id: string; node: Master; listed: number } | undefined {
  if (!client.isCluster || !client.slots || !client.nodes) {
    return { id: 'single', node: client, listed: 0 };
  }
  const [master, ...replicas] = client.slots[calculateSlot(key)] ?? [];
  const node = client
    .nodes('master')
    .find(({ options }) => `${options.host}:${options.port}` === master);
  return node && master ? { id: master, node, listed: replicas.length } : undefined;
}
