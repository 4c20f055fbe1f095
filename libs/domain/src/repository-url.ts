/**
 * Which git URLs a job may name (pure; the api checks it on every write, the worker again before
 * every fetch, for rows stored before the rule). git runs on the worker outside the run sandbox, so
 * a `file://` URL or a local path would let a tenant clone whatever the worker can read (another
 * account's mirror, the service's own checkout), `ext::` runs a command, and a host or user that
 * begins with `-` is read by ssh as an option. Credentials belong in `repository.credentials`
 * (sealed, never shown), not in a URL that every record and log would repeat.
 *
 * Returns what is wrong with `url`, or null when it is allowed.
 */
const SCP = /^([^@/:]+)@([^/:]+):(.+)$/;

export function repositoryUrlProblem(url: string): string | null {
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return 'must not contain spaces or control characters';
  const scp = SCP.exec(url);
  if (scp && !url.includes('://')) {
    const [, user, host, repoPath] = scp;
    if ([user, host, repoPath].some((part) => part.startsWith('-'))) return 'must not have a user, host or path that begins with "-"';
    return null;
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (!scheme || !['https', 'http', 'ssh'].includes(scheme)) {
    return 'must be an https://, http:// or ssh:// URL, or user@host:path (file://, local paths and other transports are refused)';
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL';
  }
  if (!parsed.hostname || parsed.hostname.startsWith('-') || decodeURIComponent(parsed.username).startsWith('-')) {
    return 'must name a host, and neither host nor user may begin with "-"';
  }
  if (parsed.password || (scheme !== 'ssh' && parsed.username)) {
    return 'must not carry credentials: put them in repository.credentials, where they are kept sealed and never shown';
  }
  return null;
}

/** The host an allowed repository URL names (ssh's host-key name for it, brackets of IPv6 removed). */
export function repositoryHost(url: string): string {
  const host = url.includes('://') ? new URL(url).hostname : (SCP.exec(url)?.[2] ?? '');
  return host.replace(/^\[|\]$/g, '');
}
