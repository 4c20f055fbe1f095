import { createHash } from 'node:crypto';

export type KeyType = 'ed25519' | 'rsa';

const PUBLIC_KEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp256|ecdsa-sha2-nistp384|ecdsa-sha2-nistp521) ([A-Za-z0-9+/]+={0,2})(?: (.*))?$/;

export interface PublicKey {
  type: string;
  blob: Buffer;
  comment: string;
  line: string;
}

/** Parses an authorized_keys line; the type inside the blob must match the one in front. */
export function parsePublicKey(text: string): PublicKey | null {
  const match = PUBLIC_KEY.exec(text.trim());
  if (!match) return null;
  const blob = Buffer.from(match[2], 'base64');
  if (blob.length < 8) return null;
  const nameLength = blob.readUInt32BE(0);
  if (blob.subarray(4, 4 + nameLength).toString('latin1') !== match[1]) return null;
  return { type: match[1], blob, comment: match[3] ?? '', line: text.trim() };
}

/** OpenSSH's `SHA256:` fingerprint, exactly as `ssh-keygen -lf` prints it. */
export function fingerprint(key: PublicKey): string {
  return `SHA256:${createHash('sha256').update(key.blob).digest('base64').replace(/=+$/, '')}`;
}
