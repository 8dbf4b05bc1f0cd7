import calculateSlot from 'cluster-key-slot';

/** Buckets of the due index on a Redis Cluster: enough to spread over a few masters, few to read. */
export const CLUSTER_DUE_BUCKETS = 16;
const SLOTS = 16384;

/**
 * The keys of the due index. One bucket (`<prefix>due`) on a single node; on a Cluster,
 * `<prefix>due:{<tag>}` for each bucket, the tag chosen so that bucket `i` hashes into the `i`-th
 * equal share of the 16384 slots. `redis-cli --cluster create` and resharding hand out contiguous
 * slot ranges, so the buckets spread over the masters as evenly as the slots do.
 */
export function dueBucketKeys(prefix: string, buckets: number): string[] {
  if (buckets === 1) return [`${prefix}due`];
  return Array.from(
    { length: buckets },
    (_, bucket) => `${prefix}due:{${bucketTag(bucket, buckets)}}`,
  );
}

/** The first tag `<bucket>.<n>` whose slot falls in the bucket's share of the slots. */
export function bucketTag(bucket: number, buckets: number): string {
  const low = Math.floor((bucket * SLOTS) / buckets);
  const high = Math.floor(((bucket + 1) * SLOTS) / buckets);
  for (let attempt = 0; ; attempt++) {
    const tag = `${bucket}.${attempt}`;
    const slot = calculateSlot(tag);
    if (slot >= low && slot < high) return tag;
  }
}

/** Which bucket holds `member`: FNV-1a of the member, so every instance picks the same one. */
export function dueBucketOf(member: string, buckets: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < member.length; index++) {
    hash ^= member.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % buckets;
}

/**
 * Merges the buckets' answers to `ZRANGEBYSCORE … WITHSCORES LIMIT 0 <limit>` (each a flat
 * `[member, score, member, score …]`, earliest first) into the `limit` earliest members; ties in
 * member order, as Redis orders them within one sorted set.
 */
export function mergeDue(replies: readonly (readonly string[])[], limit: number): string[] {
  const entries: { member: string; score: number }[] = [];
  for (const reply of replies) {
    for (let index = 0; index + 1 < reply.length; index += 2) {
      entries.push({ member: reply[index]!, score: Number(reply[index + 1]) });
    }
  }
  entries.sort((a, b) =>
    a.score !== b.score
      ? a.score - b.score
      : a.member < b.member
        ? -1
        : a.member > b.member
          ? 1
          : 0,
  );
  return entries.slice(0, limit).map((entry) => entry.member);
}
