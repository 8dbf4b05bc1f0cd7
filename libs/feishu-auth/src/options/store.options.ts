import type { FeishuTokenStore } from '../interfaces/feishu-token-store.interface.js';
import { configError } from './option-values.util.js';

/** The methods a value must have to be taken for a `FeishuTokenStore`. */
const REQUIRED_METHODS = [
  'getToken',
  'setToken',
  'deleteToken',
  'getUserToken',
  'setUserToken',
  'acquireLock',
  'getDue',
] as const satisfies readonly (keyof FeishuTokenStore)[];

/** `store` as given, once it looks like a token store; the module supplies the default one. */
export function resolveStore(value: unknown): FeishuTokenStore | undefined {
  if (value === undefined) return undefined;
  const candidate = (typeof value === 'object' ? value : null) as Record<string, unknown> | null;
  if (candidate && REQUIRED_METHODS.every((method) => typeof candidate[method] === 'function')) {
    return value as FeishuTokenStore;
  }
  throw configError(
    '"store" must implement FeishuTokenStore (getToken, setToken, getUserToken, acquireLock, getDue …).',
  );
}
