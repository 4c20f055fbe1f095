import * as crypto from 'node:crypto';

/**
 * Ansible Vault's envelope (`$ANSIBLE_VAULT;1.1;AES256` and `1.2;AES256;<vault id>`), read with
 * node:crypto so the worker can learn a repository's decrypted values before the run and mask
 * them (README "Playbook projects"). The format: a header line, then hex lines that decode to
 * `hex(salt) \n hex(hmac) \n hex(ciphertext)`; PBKDF2-SHA256 (10000 iterations) of the password
 * and salt gives 80 bytes: the AES-256-CTR key, the HMAC-SHA256 key and the counter's IV; the
 * plaintext is PKCS#7-padded to AES's block.
 */
export interface VaultEnvelope {
  /** The vault id a 1.2 envelope names (a 1.1 envelope names none). */
  vaultId: string | null;
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

const HEADER = /^\$ANSIBLE_VAULT;(1\.[12]);AES256(?:;([^\s;]+))?$/;
const ITERATIONS = 10000;

/** The envelope in `text` (a whole file or an inline value, indentation allowed), or null when it is not one. */
export function parseVaultEnvelope(text: string): VaultEnvelope | null {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const header = HEADER.exec(lines[0] ?? '');
  if (!header) return null;
  const hex = lines.slice(1).join('');
  if (!hex || hex.length % 2 || !/^[0-9a-fA-F]+$/.test(hex)) return null;
  const parts = Buffer.from(hex, 'hex').toString('latin1').split('\n');
  if (parts.length !== 3 || !parts.every((p) => /^[0-9a-fA-F]+$/.test(p) && p.length % 2 === 0)) return null;
  const [salt, hmac, ciphertext] = parts.map((p) => Buffer.from(p, 'hex'));
  if (hmac.length !== 32 || !ciphertext.length || ciphertext.length % 16) return null;
  return { vaultId: header[1] === '1.2' ? (header[2] ?? null) : null, salt, hmac, ciphertext };
}

/**
 * The plaintext, or null when this password does not open the envelope (its HMAC differs, as
 * Ansible checks it). PBKDF2 runs on libuv's thread pool, so a repository's vault content does not
 * hold the worker's event loop.
 */
export async function openVaultEnvelope(envelope: VaultEnvelope, password: string): Promise<Buffer | null> {
  const derived = await new Promise<Buffer>((resolve, reject) =>
    crypto.pbkdf2(Buffer.from(password, 'utf8'), envelope.salt, ITERATIONS, 80, 'sha256', (error, key) => (error ? reject(error) : resolve(key))),
  );
  const mac = crypto.createHmac('sha256', derived.subarray(32, 64)).update(envelope.ciphertext).digest();
  if (!crypto.timingSafeEqual(mac, envelope.hmac)) return null;
  const decipher = crypto.createDecipheriv('aes-256-ctr', derived.subarray(0, 32), derived.subarray(64, 80));
  const padded = Buffer.concat([decipher.update(envelope.ciphertext), decipher.final()]);
  const pad = padded[padded.length - 1];
  if (pad < 1 || pad > 16 || !padded.subarray(padded.length - pad).every((b) => b === pad)) return null;
  return padded.subarray(0, padded.length - pad);
}

/**
 * Every vault envelope in a text: a whole vault file, or inline `!vault |` values (the header
 * line followed by its hex lines, at any indentation). Envelopes in quoted flow scalars are not
 * found (Ansible writes block scalars).
 */
export function findVaultEnvelopes(text: string): { text: string; wholeFile: boolean }[] {
  if (text.startsWith('$ANSIBLE_VAULT;')) return [{ text, wholeFile: true }];
  const found: { text: string; wholeFile: boolean }[] = [];
  for (const match of text.matchAll(/\$ANSIBLE_VAULT;[^\r\n]*(?:\r?\n[ \t]*[0-9a-fA-F]+[ \t]*(?![^\r\n]))+/g)) found.push({ text: match[0], wholeFile: false });
  return found;
}
