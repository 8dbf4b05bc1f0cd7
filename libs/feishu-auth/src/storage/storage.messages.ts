// Messages of the token stores. None of them may carry a stored value: they name what failed and
// why, never a token, a ticket or a key.

export const invalidStoreOptionMessage = (store: string, option: string, expected: string) =>
  `${store}: option "${option}" must be ${expected}.`;

export const REDIS_CONNECTION_REQUIRED_MESSAGE =
  'RedisTokenStore: pass exactly one of `url` (e.g. "redis://127.0.0.1:6379") or `client` (an ioredis instance).';

export const IOREDIS_MISSING_MESSAGE =
  'RedisTokenStore needs the "ioredis" package: npm install ioredis (it is an optional peer dependency of @feishu-auth/nestjs).';

export const redisUnavailableMessage = (operation: string, reason: string) =>
  `The Redis token store could not ${operation}: ${reason}`;

export const redisConnectionErrorMessage = (reason: string) =>
  `Redis token store connection error (commands fail with FeishuStoreUnavailableError until it reconnects): ${reason}`;

export const REDIS_RECONNECTED_MESSAGE = 'Redis token store connection is ready again.';

/** `keyHash` is a short hash of the key: keys hold session ids, never logged. */
export const corruptStoredValueMessage = (kind: string, keyHash: string) =>
  `Ignored a ${kind} in the Redis token store that is not valid JSON (key hash ${keyHash}).`;

export const undecryptableValueMessage = (what: string, reason: string) =>
  `Treated the stored ${what} as absent: ${reason}.`;
