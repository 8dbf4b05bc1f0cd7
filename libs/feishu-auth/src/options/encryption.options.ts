import type { FeishuEncryptionOptions } from '../interfaces/feishu-auth-module-options.interface.js';
import { FEISHU_AUTH_LIMITS } from './feishu-auth.defaults.js';
import { configError, isObject } from './option-values.util.js';

const KEY_BYTES = FEISHU_AUTH_LIMITS.encryptionKeyBytes;

/** One entry of `encryption.keys`, its key decoded. */
export interface FeishuEncryptionKey {
  id: string;
  key: Buffer;
}

/**
 * Checks `encryption` and decodes its keys, in order (the first encrypts): the one parser of
 * encryption keys, used at boot and by `TokenCipher`. A key is `KEY_BYTES` bytes written as hex
 * or base64 / base64url. Throws `FeishuConfigError` naming the entry, never showing a key.
 */
export function parseEncryptionKeys(value: unknown): FeishuEncryptionKey[] {
  if (!isObject(value) || !Array.isArray(value.keys) || value.keys.length === 0) {
    throw invalidKeys('must be a non-empty array.');
  }
  const ids = new Set<string>();
  return value.keys.map((entry: unknown, index: number) => {
    if (!isObject(entry) || typeof entry.id !== 'string' || entry.id === '' || ids.has(entry.id)) {
      throw invalidKeys(`[${index}].id must be a unique non-empty string.`);
    }
    ids.add(entry.id);
    const key = decodeKey(entry.key);
    if (!key) throw invalidKeys(`[${index}].key is not ${KEY_BYTES} bytes.`);
    return { id: entry.id, key };
  });
}

/** The `encryption` option as given, once its keys are known to decode; `undefined` when off. */
export function resolveEncryption(value: unknown): FeishuEncryptionOptions | undefined {
  if (value === undefined) return undefined;
  parseEncryptionKeys(value);
  const { keys } = value as FeishuEncryptionOptions;
  return { keys: keys.map(({ id, key }) => ({ id, key })) };
}

function decodeKey(text: unknown): Buffer | undefined {
  if (typeof text !== 'string') return undefined;
  if (text.length === KEY_BYTES * 2 && /^[0-9a-fA-F]+$/.test(text)) return Buffer.from(text, 'hex');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return undefined;
  const key = Buffer.from(text, 'base64');
  return key.length === KEY_BYTES ? key : undefined;
}

function invalidKeys(detail: string) {
  return configError(
    `"encryption.keys" ${detail} Each key is { id: string; key: string } where key is ${KEY_BYTES} ` +
      `bytes written as ${KEY_BYTES * 2} hex characters or ${Math.ceil(KEY_BYTES / 3) * 4} base64 ` +
      `characters (e.g. \`openssl rand -base64 ${KEY_BYTES}\`). Key values are not shown here.`,
  );
}
