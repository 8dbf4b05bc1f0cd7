import { FeishuConfigError } from '../feishu-auth.errors.js';
import {
  FEISHU_AUTH_DEFAULTS,
  FEISHU_AUTH_LIMITS,
  type FeishuIntegerRange,
} from './feishu-auth.defaults.js';

/**
 * The checks every option shares. Each throws `FeishuConfigError` with one sentence naming the
 * option and what it must be; a value is never quoted, since it may be a secret.
 */

/** A configuration error, with the prefix that says which module refused to boot. */
export function configError(sentence: string): FeishuConfigError {
  return new FeishuConfigError(`FeishuAuthModule: ${sentence}`);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
  } catch {
    return false;
  }
}

export function resolveBoolean(value: unknown, fallback: boolean, option: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw configError(`"${option}" must be true or false.`);
  return value;
}

/** `range` comes from `FEISHU_AUTH_LIMITS`, `fallback` from `FEISHU_AUTH_DEFAULTS`. */
function resolveInteger(
  value: unknown,
  fallback: number,
  option: string,
  { min, max }: FeishuIntegerRange,
): number {
  if (value === undefined) return fallback;
  const valid =
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= min &&
    (max === undefined || value <= max);
  if (!valid) {
    const range = max === undefined ? `>= ${min}` : `between ${min} and ${max}`;
    throw configError(`"${option}" must be an integer ${range}.`);
  }
  return value as number;
}

type IntegerGroup = 'session' | 'bearer' | 'strangerBudget' | 'http' | 'refresh';

/**
 * The integer option `group.option` of `given`: its default from `FEISHU_AUTH_DEFAULTS` (unless
 * `fallback` says otherwise), its bounds from `FEISHU_AUTH_LIMITS`.
 */
export function integer<G extends IntegerGroup>(
  group: G,
  option: keyof (typeof FEISHU_AUTH_LIMITS)[G] & string,
  given: object | undefined,
  fallback = (FEISHU_AUTH_DEFAULTS[group] as Record<string, unknown>)[option] as number,
): number {
  const range = (FEISHU_AUTH_LIMITS[group] as Record<string, FeishuIntegerRange>)[option]!;
  const value = (given as Record<string, unknown> | undefined)?.[option];
  return resolveInteger(value, fallback, `${group}.${option}`, range);
}

export function resolveCallback<T>(value: T | undefined, option: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw configError(`"${option}" must be a function.`);
  return value;
}

/** One of `allowed`, or `fallback` when left out; anything else is refused, listing them. */
export function resolveChoice<T extends string>(
  value: unknown,
  fallback: T,
  allowed: readonly T[],
  option: string,
): T {
  if (value === undefined) return fallback;
  if (allowed.includes(value as T)) return value as T;
  const quoted = allowed.map((choice) => `'${choice}'${choice === fallback ? ' (default)' : ''}`);
  throw configError(`"${option}" must be ${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}.`);
}
