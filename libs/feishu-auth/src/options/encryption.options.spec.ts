import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { FeishuConfigError } from '../feishu-auth.errors.js';
import { parseEncryptionKeys, resolveEncryption } from './encryption.options.js';

const KEY = randomBytes(32);

describe('parseEncryptionKeys', () => {
  it.each([
    ['hex', KEY.toString('hex')],
    ['upper-case hex', KEY.toString('hex').toUpperCase()],
    ['base64', KEY.toString('base64')],
    ['base64 without its padding', KEY.toString('base64').replace(/=+$/, '')],
    ['base64url', KEY.toString('base64url')],
  ])('should decode a 32-byte key written as %s', (_format, key) => {
    expect(parseEncryptionKeys({ keys: [{ id: 'k', key }] })).toEqual([{ id: 'k', key: KEY }]);
  });

  it('should keep the keys in order, the first one encrypting', () => {
    const other = randomBytes(32);
    const keys = [
      { id: 'new', key: other.toString('hex') },
      { id: 'old', key: KEY.toString('base64') },
    ];

    expect(parseEncryptionKeys({ keys }).map(({ id }) => id)).toEqual(['new', 'old']);
    expect(resolveEncryption({ keys })).toEqual({ keys });
  });

  it.each([
    ['no option object', undefined, /"encryption.keys" must be a non-empty array/],
    ['no keys', { keys: [] }, /"encryption.keys" must be a non-empty array/],
    ['an empty key id', { keys: [{ id: '', key: KEY.toString('hex') }] }, /\[0\]\.id must be/],
    [
      'a duplicate key id',
      {
        keys: [
          { id: 'k', key: KEY.toString('hex') },
          { id: 'k', key: KEY.toString('hex') },
        ],
      },
      /\[1\]\.id must be a unique non-empty string/,
    ],
    [
      'a 16-byte key',
      { keys: [{ id: 'k', key: randomBytes(16).toString('base64') }] },
      /\[0\]\.key is not 32 bytes/,
    ],
    [
      'a 33-byte key',
      { keys: [{ id: 'k', key: randomBytes(33).toString('base64') }] },
      /\[0\]\.key is not 32 bytes/,
    ],
    [
      '63 hex digits',
      { keys: [{ id: 'k', key: KEY.toString('hex').slice(1) }] },
      /\[0\]\.key is not 32 bytes/,
    ],
    [
      'a key with spaces around it',
      { keys: [{ id: 'k', key: ` ${KEY.toString('base64')} ` }] },
      /\[0\]\.key/,
    ],
    ['a pass phrase', { keys: [{ id: 'k', key: 'correct horse battery staple!!' }] }, /\[0\]\.key/],
    ['a key that is no string', { keys: [{ id: 'k', key: 42 }] }, /\[0\]\.key/],
  ])('should refuse %s, never showing a key', (_case, encryption, message) => {
    const parse = () => parseEncryptionKeys(encryption);

    expect(parse).toThrow(FeishuConfigError);
    expect(parse).toThrow(message);
    expect(parse).toThrow(/^FeishuAuthModule: .*Key values are not shown here\.$/);
    for (const { key } of (encryption?.keys ?? []) as { key: unknown }[]) {
      expect(parse).not.toThrow(String(key).trim());
    }
  });

  it('should leave encryption off when the option is left out', () => {
    expect(resolveEncryption(undefined)).toBeUndefined();
  });
});
