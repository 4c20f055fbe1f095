import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GuardedCommand } from '@app/process';
import { HostLayout, readEtcEntries } from './host-layout';
import { CALLBACK_PLUGIN_DIR, COLLECTIONS_DIR } from './plugin-dir';
import { LimitHit, RunLimits } from './run-limits';
import { bwrapArguments, SANDBOX_USER } from './sandbox-arguments';

/** One run's confinement: its uid, the files that give that uid a name, its limits. */
export class RunSandbox {
  /** Folders outside the workspace the run may read (its cached requirements: requirements.ts). */
  private readonly shown: string[] = [];

  constructor(
    private readonly layout: HostLayout,
    private readonly workspace: string,
    /** The uid the run's processes have (null: the worker's own, in a user namespace). */
    readonly uid: number | null,
    private readonly limits: RunLimits,
  ) {
    writeIdentity(workspace, uid ?? process.getuid?.() ?? 65534);
  }

  /**
   * `command` (argv) to be run inside this sandbox, by the run guard. A command given by its path
   * outside /usr (RUNNER_ANSIBLE_PLAYBOOK) brings its own folder, read-only.
   */
  wrap(command: string[]): GuardedCommand {
    const own = path.isAbsolute(command[0]) && !command[0].startsWith('/usr/') ? [path.dirname(command[0])] : [];
    // The repository's collections, read-only (the rest of the service's code stays hidden); only
    // if there (bubblewrap refuses to bind a missing folder).
    const collections = fs.existsSync(COLLECTIONS_DIR) ? [COLLECTIONS_DIR] : [];
    return {
      argv: bwrapArguments(
        { layout: this.layout, etc: readEtcEntries(), workspace: this.workspace, readOnly: [CALLBACK_PLUGIN_DIR, ...collections, ...own, ...this.shown], uid: this.uid },
        command,
      ),
      sandbox: { cgroups: this.limits.cgroupProcs, rlimits: this.limits.rlimits },
    };
  }

  /** Lets the commands wrapped from now on read `dir` (read-only). */
  showReadOnly(dir: string): void {
    this.shown.push(dir);
  }

  /** The reason to end the run with, once it has reached a limit. */
  limitReached(): string | null {
    const hit: LimitHit | null = this.limits.hit();
    return hit ? this.limits.describe(hit) : null;
  }

  release(): Promise<void> {
    return this.limits.remove();
  }
}

/**
 * /etc/passwd and /etc/group as the sandbox sees them: the run's uid has a name (ssh refuses to
 * run for a uid without one) and the host's accounts are not listed. Root-owned, read-only mounts.
 */
function writeIdentity(workspace: string, uid: number): void {
  const dir = path.join(workspace, '.sandbox');
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.writeFileSync(
    path.join(dir, 'passwd'),
    [
      'root:x:0:0:root:/root:/usr/sbin/nologin',
      `${SANDBOX_USER}:x:${uid}:${uid}:automation-runner run:${path.join(workspace, 'home')}:/bin/sh`,
      'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  fs.writeFileSync(path.join(dir, 'group'), ['root:x:0:', `${SANDBOX_USER}:x:${uid}:`, 'nogroup:x:65534:', ''].join('\n'), { mode: 0o644 });
}
