import { FeishuConfigError } from '../feishu-auth.errors.js';
import {
  DEFAULT_COMMAND_TIMEOUT_MS,
  DEFAULT_KEY_PREFIX,
  DEFAULT_REPLICA_ACK_TIMEOUT_MS,
  type RedisTokenStoreOptions,
} from './redis-token-store.client.js';
import {
  invalidStoreOptionMessage,
  REDIS_CONNECTION_REQUIRED_MESSAGE,
} from './storage.messages.js';

/** `RedisTokenStoreOptions` checked, with the defaults filled in. */
export interface RedisTokenStoreSettings {
  keyPrefix: string;
  commandTimeoutMs: number;
  waitForReplica: boolean;
  replicaAckTimeoutMs: number;
}

/** Checks the options (a `FeishuConfigError` names the first one that is wrong) and fills in defaults. */
export function resolveRedisTokenStoreSettings(
  options: RedisTokenStoreOptions,
): RedisTokenStoreSettings {
  if (!options || (options.url === undefined) === (options.client === undefined)) {
    throw new FeishuConfigError(REDIS_CONNECTION_REQUIRED_MESSAGE);
  }
  const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  if (!Number.isFinite(commandTimeoutMs) || commandTimeoutMs <= 0) {
    throw invalid('commandTimeoutMs', 'a positive number of milliseconds');
  }
  const replicaAckTimeoutMs =
    options.replicaAckTimeoutMs ??
    Math.min(DEFAULT_REPLICA_ACK_TIMEOUT_MS, Math.ceil(commandTimeoutMs / 2));
  if (
    !Number.isInteger(replicaAckTimeoutMs) ||
    replicaAckTimeoutMs <= 0 ||
    replicaAckTimeoutMs >= commandTimeoutMs
  ) {
    throw invalid(
      'replicaAckTimeoutMs',
      'a whole number of milliseconds above 0 and below commandTimeoutMs',
    );
  }
  return {
    keyPrefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX,
    commandTimeoutMs,
    waitForReplica: options.waitForReplica ?? true,
    replicaAckTimeoutMs,
  };
}

function invalid(option: string, expected: string): FeishuConfigError {
  return new FeishuConfigError(invalidStoreOptionMessage('RedisTokenStore', option, expected));
}
