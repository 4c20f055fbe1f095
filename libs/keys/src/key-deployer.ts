import { NodeSSH } from 'node-ssh';
import type { PublicKey } from './public-key';
import { resolveProbeTarget } from './probe-target';
import { sshFailure } from './ssh-failure';

export interface SshTarget {
  name: string;
  host: string;
  port: number;
  username: string;
  /** Tried in order: the bootstrap password, then private keys already installed for `username`. */
  password?: string;
  privateKeys: string[];
  /** The host key remembered on first contact (base64 of the key blob), if any. */
  knownHostKey: string | null;
  /** RUNNER_PROBE_ALLOW_INTERNAL: may the server be on loopback, link-local, … (probe-target.ts)? */
  allowInternal: boolean;
}

export class DeploymentError extends Error {}

/**
 * Makes sure `~/.ssh` (0700) and `authorized_keys` (0600), owned by the user, exist and hold the
 * key exactly once; with `remove`, drops that line only. The key arrives on stdin, the user name is
 * validated by the caller (a Unix name: no shell metacharacters). The login user installs its own
 * key itself (the common case: log in as `deploy` with its password, install the key for `deploy`,
 * on a server without passwordless sudo); only another user's key needs root or `sudo -n`, checked
 * first so a refusal says what is missing.
 */
const SCRIPT = `
set -eu
user="$1"; mode="$2"
key="$(cat)"
me="$(id -un)"
if [ "$(id -u)" = 0 ] || [ "$user" = "$me" ]; then
  run() { "$@"; }
else
  sudo -n true 2>/dev/null || { echo "$me may not use sudo without a password here, which installing a key for another user needs (deploy as $user itself, or allow $me passwordless sudo)" >&2; exit 4; }
  run() { sudo -n "$@"; }
fi
home="$(getent passwd "$user" | cut -d: -f6)"
[ -n "$home" ] || { echo "no user $user on this server" >&2; exit 3; }
group="$(id -gn "$user")"
run install -d -m 700 -o "$user" -g "$group" "$home/.ssh"
file="$home/.ssh/authorized_keys"
run touch "$file"
if [ "$mode" = add ]; then
  run grep -qxF -- "$key" "$file" || printf '%s\\n' "$key" | run tee -a "$file" >/dev/null
else
  tmp="$(mktemp)"; run grep -vxF -- "$key" "$file" > "$tmp" || true
  run cp "$tmp" "$file"; rm -f "$tmp"
fi
run chown "$user:$group" "$file"
run chmod 600 "$file"
`;

/**
 * Connects once (checking the server's host key against the one remembered, or remembering it via
 * `onFirstHostKey`), then installs or removes the key for each user. Results per user. The address
 * is checked once (resolveProbeTarget) and every login attempt goes to that address.
 */
export async function deployPublicKey(
  target: SshTarget,
  key: PublicKey,
  usernames: string[],
  remove: boolean,
  onFirstHostKey: (hostKey: string) => Promise<string>,
): Promise<Record<string, string>> {
  const ssh = new NodeSSH();
  let seenKey: string | undefined;
  const cannotLogIn = (error: Error): DeploymentError =>
    new DeploymentError(`cannot log in to ${target.name} as ${target.username}: ${sshFailure(error, 'it refused the password and the key pairs deployed for that user')}`);
  const address = await resolveProbeTarget(target.host, target.allowInternal).catch((error: Error) => {
    throw cannotLogIn(error);
  });
  const connect = (auth: { password?: string; privateKey?: string }) =>
    ssh.connect({
      host: address,
      port: target.port,
      username: target.username,
      ...auth,
      readyTimeout: 20_000,
      tryKeyboard: false,
      hostVerifier: (hostKey: Buffer) => {
        seenKey = hostKey.toString('base64');
        return target.knownHostKey === null || target.knownHostKey === seenKey;
      },
    });
  const attempts = [
    ...(target.password ? [{ password: target.password }] : []),
    ...target.privateKeys.map((privateKey) => ({ privateKey })),
  ];
  if (!attempts.length) throw new DeploymentError(`no way to log in to ${target.name}: it has no bootstrap password and no key pair deployed for ${target.username}`);
  let lastError: Error | undefined;
  for (const auth of attempts) {
    try {
      await connect(auth);
      lastError = undefined;
      break;
    } catch (error) {
      if (seenKey && target.knownHostKey && seenKey !== target.knownHostKey) {
        throw new DeploymentError(`the SSH host key of server ${target.name} changed since it was first seen; refusing to connect`);
      }
      lastError = error as Error;
    }
  }
  if (lastError) throw cannotLogIn(lastError);
  try {
    if (target.knownHostKey === null && seenKey) {
      const remembered = await onFirstHostKey(seenKey);
      if (remembered !== seenKey) throw new DeploymentError(`the SSH host key of server ${target.name} changed since it was first seen; refusing to connect`);
    }
    const results: Record<string, string> = {};
    for (const user of usernames) {
      const outcome = await ssh.execCommand(`sh -c '${SCRIPT.replace(/'/g, `'\\''`)}' sh ${user} ${remove ? 'remove' : 'add'}`, { stdin: key.line + '\n' });
      results[user] = outcome.code === 0 ? (remove ? 'removed' : 'installed') : `failed: ${outcome.stderr.trim() || `exit code ${outcome.code}`}`;
    }
    return results;
  } finally {
    ssh.dispose();
  }
}
