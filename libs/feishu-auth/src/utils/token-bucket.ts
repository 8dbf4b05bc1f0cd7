/** A token bucket's size: `burst` tokens at most, refilled at `perMinute` (at least 1) a minute. */
export interface TokenBucketLimits {
  burst: number;
  perMinute: number;
}

/** A bucket's state at `updatedAt` (epoch ms): `tokens` may be fractional while it refills. */
export interface TokenBucket {
  tokens: number;
  updatedAt: number;
}

/** What taking one token gave: the bucket after it, and when a token is next available if refused. */
export interface TokenBucketTake {
  bucket: TokenBucket;
  granted: boolean;
  /** 0 when granted; otherwise the wait, in ms, until one whole token has refilled. */
  retryAfterMs: number;
}

const MS_PER_MINUTE = 60_000;

/** The bucket at `now`: refilled for the time since its last update, never above `burst`. */
export function refillBucket(
  bucket: TokenBucket | undefined,
  limits: TokenBucketLimits,
  now: number,
): TokenBucket {
  if (bucket === undefined) return { tokens: limits.burst, updatedAt: now };
  const elapsed = Math.max(0, now - bucket.updatedAt);
  const tokens = Math.min(
    limits.burst,
    bucket.tokens + (elapsed * limits.perMinute) / MS_PER_MINUTE,
  );
  return { tokens, updatedAt: Math.max(now, bucket.updatedAt) };
}

/** Takes one token at `now` if a whole one is there; a new client starts with a full bucket. */
export function takeToken(
  bucket: TokenBucket | undefined,
  limits: TokenBucketLimits,
  now: number,
): TokenBucketTake {
  const current = refillBucket(bucket, limits, now);
  if (current.tokens >= 1) {
    return { bucket: { ...current, tokens: current.tokens - 1 }, granted: true, retryAfterMs: 0 };
  }
  const missing = 1 - current.tokens;
  const retryAfterMs = Math.ceil((missing * MS_PER_MINUTE) / limits.perMinute);
  return { bucket: current, granted: false, retryAfterMs };
}

/** Gives one token back at `now` (the work it paid for proved legitimate), never above `burst`. */
export function refundToken(
  bucket: TokenBucket | undefined,
  limits: TokenBucketLimits,
  now: number,
): TokenBucket {
  const current = refillBucket(bucket, limits, now);
  return { ...current, tokens: Math.min(limits.burst, current.tokens + 1) };
}
