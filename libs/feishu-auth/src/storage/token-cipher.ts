import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { FeishuEncryptionOptions } from '../interfaces/feishu-auth-module-options.interface.js';
import { parseEncryptionKeys } from '../options/encryption.options.js';

const FORMAT_VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Why a sealed value could not be opened. */
export type TokenCipherFailure = 'not-sealed' | 'unknown-key' | 'tampered';

export type OpenResult =
  { ok: true; plaintext: string } | { ok: false; failure: TokenCipherFailure; keyId?: string };

/**
 * AES-256-GCM sealing of the tokens kept in a store.
 *
 * Sealed form: `v1.<keyId>.<iv>.<tag>.<ciphertext>`, every part after `v1` base64url (the key id
 * too, so any id is allowed), with a random 12-byte IV per value. The key id travels with the
 * value so that, after a rotation, values sealed with an old key still open as long as that key is
 * configured. The header (`v1.<keyId>`) and a caller-given context (e.g. `user:<openId>:refresh`)
 * are authenticated data: a value cannot be moved to another record, or relabelled with another
 * key id, without failing to open.
 */
export class TokenCipher {
  /** By encoded key id, as it appears in sealed values. */
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly sealingKeyId: string;

  constructor(options: FeishuEncryptionOptions) {
    this.keys = new Map(parseEncryptionKeys(options).map(({ id, key }) => [encodeKeyId(id), key]));
    this.sealingKeyId = encodeKeyId(options.keys[0]!.id);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const header = `${FORMAT_VERSION}.${this.sealingKeyId}`;
    const key = this.keys.get(this.sealingKeyId)!;
    const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(header, context));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [header, b64(iv), b64(cipher.getAuthTag()), b64(ciphertext)].join('.');
  }

  open(sealed: string, context: string): OpenResult {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== FORMAT_VERSION) {
      return { ok: false, failure: 'not-sealed' };
    }
    const [version, keyId, ivText, tagText, ciphertextText] = parts as [
      string,
      string,
      string,
      string,
      string,
    ];
    const key = this.keys.get(keyId);
    if (!key) return { ok: false, failure: 'unknown-key', keyId: printableKeyId(keyId) };
    const iv = Buffer.from(ivText, 'base64url');
    const tag = Buffer.from(tagText, 'base64url');
    try {
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('bad IV or tag');
      const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(associatedData(`${version}.${keyId}`, context));
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([
        decipher.update(Buffer.from(ciphertextText, 'base64url')),
        decipher.final(),
      ]);
      return { ok: true, plaintext: plaintext.toString('utf8') };
    } catch {
      return { ok: false, failure: 'tampered', keyId: printableKeyId(keyId) };
    }
  }
}

function associatedData(header: string, context: string): Buffer {
  return Buffer.from(`${header}\n${context}`, 'utf8');
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}

function encodeKeyId(id: string): string {
  return b64(Buffer.from(id, 'utf8'));
}

/** For warnings: quoted, and bounded, since the text comes from the store. */
function printableKeyId(encoded: string): string {
  return JSON.stringify(Buffer.from(encoded, 'base64url').toString('utf8').slice(0, 64));
}
