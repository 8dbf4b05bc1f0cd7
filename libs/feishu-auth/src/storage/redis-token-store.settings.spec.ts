import { describe, expect, it } from '@jest/globals';
import { FeishuConfigError } from '../feishu-auth.errors.js';
import type { RedisTokenStoreClient, RedisTokenStoreOptions } from './redis-token-store.client.js';
import { resolveRedisTokenStoreSettings } from './redis-token-store.settings.js';

const URL = 'redis://127.0.0.1:6379';

describe('resolveRedisTokenStoreSettings', () => {
  it.each<[string, RedisTokenStoreOptions, ReturnType<typeof resolveRedisTokenStoreSettings>]>([
    [
      'the defaults',
      { url: URL },
      {
        keyPrefix: 'feishu:',
        commandTimeoutMs: 2000,
        waitForReplica: true,
        replicaAckTimeoutMs: 500,
      },
    ],
    [
      'a replica wait of half a short command timeout',
      { url: URL, commandTimeoutMs: 300 },
      {
        keyPrefix: 'feishu:',
        commandTimeoutMs: 300,
        waitForReplica: true,
        replicaAckTimeoutMs: 150,
      },
    ],
    [
      'every option given',
      {
        client: {} as RedisTokenStoreClient,
        keyPrefix: 'app2:',
        commandTimeoutMs: 1000,
        waitForReplica: false,
        replicaAckTimeoutMs: 999,
      },
      {
        keyPrefix: 'app2:',
        commandTimeoutMs: 1000,
        waitForReplica: false,
        replicaAckTimeoutMs: 999,
      },
    ],
  ])('should resolve %s', (_label, options, settings) => {
    expect(resolveRedisTokenStoreSettings(options)).toEqual(settings);
  });

  it.each<[string, RedisTokenStoreOptions, string]>([
    ['neither url nor client', {}, 'exactly one of `url`'],
    ['both url and client', { url: URL, client: {} as RedisTokenStoreClient }, 'exactly one of'],
    ['a zero commandTimeoutMs', { url: URL, commandTimeoutMs: 0 }, '"commandTimeoutMs"'],
    ['a NaN commandTimeoutMs', { url: URL, commandTimeoutMs: Number.NaN }, '"commandTimeoutMs"'],
    [
      'a replicaAckTimeoutMs not below commandTimeoutMs',
      { url: URL, commandTimeoutMs: 1000, replicaAckTimeoutMs: 1000 },
      '"replicaAckTimeoutMs"',
    ],
    [
      'a fractional replicaAckTimeoutMs',
      { url: URL, replicaAckTimeoutMs: 1.5 },
      '"replicaAckTimeoutMs"',
    ],
    ['a zero replicaAckTimeoutMs', { url: URL, replicaAckTimeoutMs: 0 }, '"replicaAckTimeoutMs"'],
  ])('should refuse %s with a FeishuConfigError naming it', (_label, options, named) => {
    expect(() => resolveRedisTokenStoreSettings(options)).toThrow(FeishuConfigError);
    expect(() => resolveRedisTokenStoreSettings(options)).toThrow(named);
  });
});
