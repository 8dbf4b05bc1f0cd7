import { refillBucket, refundToken, takeToken, type TokenBucket } from './token-bucket.js';

const LIMITS = { burst: 3, perMinute: 60 }; // one token a second

describe('refillBucket', () => {
  /** A bucket holding `tokens` as of `updatedAt`. */
  const at = (tokens: number, updatedAt: number): TokenBucket => ({ tokens, updatedAt });

  it.each<[string, TokenBucket | undefined, number, TokenBucket]>([
    ['starts a new client full', undefined, 5_000, at(3, 5_000)],
    ['adds one token a second', at(0, 0), 1_000, at(1, 1_000)],
    ['adds a fraction between whole seconds', at(0, 0), 500, at(0.5, 500)],
    ['never goes above burst', at(2, 0), 60_000, at(3, 60_000)],
    ['ignores a clock that went back', at(1, 2_000), 1_000, at(1, 2_000)],
  ])('%s', (_name, bucket, now, expected) => {
    expect(refillBucket(bucket, LIMITS, now)).toEqual(expected);
  });
});

describe('takeToken', () => {
  it.each<[string, TokenBucket | undefined, number, boolean, number, number]>([
    // name, bucket, now, granted, tokens left, retryAfterMs
    ['grants a new client its first token', undefined, 0, true, 2, 0],
    ['grants the last whole token', { tokens: 1, updatedAt: 0 }, 0, true, 0, 0],
    [
      'refuses an empty bucket and says when one token is back',
      { tokens: 0, updatedAt: 0 },
      0,
      false,
      0,
      1_000,
    ],
    [
      'refuses a part token and waits for the rest',
      { tokens: 0.75, updatedAt: 0 },
      0,
      false,
      0.75,
      250,
    ],
    [
      'grants again once the refill made a whole token',
      { tokens: 0, updatedAt: 0 },
      1_000,
      true,
      0,
      0,
    ],
  ])('%s', (_name, bucket, now, granted, tokens, retryAfterMs) => {
    const take = takeToken(bucket, LIMITS, now);
    expect(take).toEqual({ bucket: { tokens, updatedAt: now }, granted, retryAfterMs });
  });

  it('should grant exactly burst tokens at one instant, then refuse', () => {
    let bucket: TokenBucket | undefined;
    const granted: boolean[] = [];
    for (let i = 0; i < 5; i += 1) {
      const take = takeToken(bucket, LIMITS, 0);
      bucket = take.bucket;
      granted.push(take.granted);
    }
    expect(granted).toEqual([true, true, true, false, false]);
  });
});

describe('refundToken', () => {
  it.each<[string, TokenBucket | undefined, number, number]>([
    ['gives a spent token back', { tokens: 1, updatedAt: 0 }, 0, 2],
    ['never goes above burst', { tokens: 3, updatedAt: 0 }, 0, 3],
    ['refills before refunding', { tokens: 0, updatedAt: 0 }, 1_000, 2],
    ['leaves a client it never saw full', undefined, 0, 3],
  ])('%s', (_name, bucket, now, tokens) => {
    expect(refundToken(bucket, LIMITS, now)).toEqual({ tokens, updatedAt: now });
  });
});
