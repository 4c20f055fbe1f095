import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * What a sandbox needs to know of the host it runs on, read from the host's root and /etc (the
 * only side effects of building a sandbox's arguments; sandbox-arguments.ts turns them into mounts).
 */

/** The parts of the host's root that a sandbox shows, read once: merged /usr or not, resolv.conf. */
export interface HostLayout {
  /** `--symlink` or `--ro-bind` arguments for /bin, /sbin, /lib… as this host has them. */
  rootEntries: string[];
  /** Where /etc/resolv.conf points, when that is outside /etc (systemd-resolved, for one). */
  resolverDir?: string;
}

export function readHostLayout(): HostLayout {
  const rootEntries: string[] = [];
  for (const name of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    const entry = `/${name}`;
    const stat = fs.lstatSync(entry, { throwIfNoEntry: false });
    if (stat?.isSymbolicLink()) rootEntries.push('--symlink', fs.readlinkSync(entry), entry);
    else if (stat?.isDirectory()) rootEntries.push('--ro-bind', entry, entry);
  }
  let resolverDir: string | undefined;
  const resolv = fs.lstatSync('/etc/resolv.conf', { throwIfNoEntry: false });
  if (resolv?.isSymbolicLink()) {
    const target = path.resolve('/etc', fs.readlinkSync('/etc/resolv.conf'));
    if (!target.startsWith('/etc/')) resolverDir = path.dirname(target);
  }
  return { rootEntries, resolverDir };
}

/** An entry of the host's /etc: its name, and where it points if it is a symbolic link. */
export interface EtcEntry {
  name: string;
  link?: string;
}

/** The host's /etc as it is now (read per run: a package installed since start adds entries). */
export function readEtcEntries(): EtcEntry[] {
  return fs.readdirSync('/etc', { withFileTypes: true }).map((entry) =>
    entry.isSymbolicLink() ? { name: entry.name, link: fs.readlinkSync(path.join('/etc', entry.name)) } : { name: entry.name },
  );
}
