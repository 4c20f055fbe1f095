/**
 * known_hosts lines as OpenSSH writes them with `HashKnownHosts no` (the per-account store the run
 * path already uses): `host type key` on port 22, `[host]:port type key` on any other port. Pure.
 */

/** The host field OpenSSH writes and looks up for this host and port. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export interface KnownKey {
  type: string;
  key: string;
}

/** The keys on record for one host (a line may name several hosts, comma-separated). */
export function knownKeysFor(lines: string[], host: string, port: number): KnownKey[] {
  const name = knownHostName(host, port);
  return lines
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 3 && !fields[0].startsWith('|') && !fields[0].startsWith('@') && fields[0].split(',').includes(name))
    .map(([, type, key]) => ({ type, key }));
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyTypeOfBlob(blob: Buffer): string | null {
  if (blob.length < 4) return null;
  const length = blob.readUInt32BE(0);
  return length > 0 && length < 64 && blob.length >= 4 + length ? blob.subarray(4, 4 + length).toString('latin1') : null;
}

/** The host key algorithms that can present a key of this type (RSA keys sign with three). */
export function hostKeyAlgorithms(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}
