import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunnerConfig } from '@app/config';

/** Sealed with the row it belongs to as associated data. */
const VERSION = 'v2';
/** Sealed before values were bound to their rows; opened until `npm run rekey` re-seals them as v2. */
const UNBOUND = 'v1';

/**
 * Where a sealed value belongs: its table and column and the key of its row, account included
 * (sealedIn). It is the AEAD associated data, so a value copied into another row, or another
 * account's row, does not open there.
 */
export type SealContext = string & { readonly __sealContext: true };

export function sealedIn(table: string, column: string, ...rowKey: string[]): SealContext {
  return [table, column, ...rowKey].join('/') as SealContext;
}

/**
 * The one place secrets are encrypted at rest: AES-256-GCM, a fresh 96-bit nonce per value, the
 * value's SealContext as associated data, sealed as `v2.<nonce>.<tag>.<ciphertext>` (base64url).
 * The GCM tag makes a wrong key, or a value moved to another row, fail loudly.
 */
/**
 * A stored secret that this key cannot open for this row (sealed with another key, or copied from
 * another row): the api answers 409 (send the secret again), a run ends INIT_FAILURE with it.
 */
export class UnopenableSealedValue extends Error {}

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
  }

  seal(plaintext: string, context: SealContext): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, nonce, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  open(sealed: string, context: SealContext): string {
    const [version, nonce, tag, body] = sealed.split('.');
    if (![VERSION, UNBOUND].includes(version) || !nonce || !tag || body === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    if (version === VERSION) decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new UnopenableSealedValue(`a sealed value in ${context.split('/').slice(0, 2).join('.')} does not open here: another key sealed it, or it belongs to another row`);
    }
  }

  sealJson(value: unknown, context: SealContext): string {
    return this.seal(JSON.stringify(value), context);
  }

  openJson<T>(sealed: string, context: SealContext): T {
    return JSON.parse(this.open(sealed, context)) as T;
  }
}

export const KEY_FILE_NAME = 'encryption.key';

/**
 * The encryption key: RUNNER_ENCRYPTION_KEY, else `<dataDir>/encryption.key`, created (mode 0600)
 * when `create` is set. Creation is atomic (write a temp file, then link it into place), so two
 * processes starting together end up with the same key.
 */
export function loadEncryptionKey(config: RunnerConfig, create: boolean): Buffer {
  if (config.encryptionKey) return config.encryptionKey;
  const file = path.join(config.dataDir, KEY_FILE_NAME);
  if (!fs.existsSync(file)) {
    if (!create) {
      throw new Error(
        `No encryption key: set RUNNER_ENCRYPTION_KEY (the same on every node) or provide ${file}`,
      );
    }
    fs.mkdirSync(config.dataDir, { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
    try {
      fs.linkSync(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.unlinkSync(temp);
    }
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return key;
}
