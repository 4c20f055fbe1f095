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

const HOST_KEY_TYPES = new Set([
  'ssh-ed25519',
  'ssh-rsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
]);
/** More lines than any run learns; beyond it a run's file is not trusted at all. */
const MAX_NEW_LINES = 1000;

/**
 * The lines of a run's known_hosts worth remembering for the account. The run's own code could
 * write that file, so only what ssh itself writes on first contact passes: `name type key` with
 * literal names (no `@cert-authority` or `@revoked` marker, no `*`, `?` or `!`, no hashed names) of
 * hosts the run was sent to (`targets`: addresses and names, ports aside), a known key type whose
 * blob says the same, and only for names the account has no key for yet (first contact, never a
 * second key beside a known one). Pure.
 */
export function linesToRemember(runLines: string[], knownLines: string[], targets: Set<string>): string[] {
  const known = new Set(knownLines.flatMap((line) => line.trim().split(/\s+/)[0]?.split(',') ?? []));
  const hostOf = (name: string): string | null => {
    const bracketed = /^\[([^\]]+)\]:\d{1,5}$/.exec(name);
    const host = bracketed ? bracketed[1] : name;
    return /^[A-Za-z0-9_.:%-]+$/.test(host) ? host : null;
  };
  const accepted: string[] = [];
  for (const line of runLines) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 3) continue;
    const [names, type, key] = fields;
    const list = names.split(',');
    if (!list.every((name) => { const host = hostOf(name); return host !== null && targets.has(host) && !known.has(name); })) continue;
    if (!HOST_KEY_TYPES.has(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(key) || keyTypeOfBlob(Buffer.from(key, 'base64')) !== type) continue;
    accepted.push(`${names} ${type} ${key}`);
  }
  return accepted.length > MAX_NEW_LINES ? [] : accepted;
}
