import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PlaybookLauncher } from '@app/process';
import { HostLayout, readHostLayout } from './host-layout';
import { detectLimitBackend, LimitBackend, LimitSettings, removeLeftoverCgroups, RunLimits } from './run-limits';
import { RunSandbox } from './run-sandbox';

/**
 * The worker's side of the run sandbox: its settings, finding how limits can be enforced on this
 * host, the start-up probe, and a RunSandbox (run-sandbox.ts) for each run.
 */

export interface SandboxSettings extends LimitSettings {
  enabled: boolean;
  /** Runs of the account whose sandbox number is n run as uid (and gid) uidBase + n. */
  uidBase: number;
}

/**
 * The run sandbox of a worker (ARCHITECTURE.md: a tenant's playbook is untrusted code). start()
 * finds how limits can be enforced here; forRun() gives each run its uid, limits and arguments.
 */
export class Sandbox {
  private backend: LimitBackend = { kind: 'rlimit' };
  private layout?: HostLayout;

  constructor(readonly settings: SandboxSettings) {}

  get enabled(): boolean {
    return this.settings.enabled;
  }

  /** A root worker gives each account a uid of its own; any other worker runs sandboxes as itself. */
  get perAccountUid(): boolean {
    return process.getuid?.() === 0;
  }

  get limitBackend(): LimitBackend['kind'] {
    return this.backend.kind;
  }

  /** Reads the host's layout and finds the cgroup hierarchy; the worker then runs a probe (pool). */
  start(): void {
    if (!this.enabled) return;
    this.layout = readHostLayout();
    this.backend = this.perAccountUid ? detectLimitBackend() : { kind: 'rlimit' };
    removeLeftoverCgroups(this.backend);
  }

  /**
   * Runs `true` in a sandbox as a run would (uid, cgroups, mounts), so that a worker that cannot
   * confine runs says why at start instead of failing every run. Throws with bubblewrap's words.
   */
  async probe(launcher: PlaybookLauncher, workspacesDir: string): Promise<void> {
    fs.mkdirSync(workspacesDir, { recursive: true, mode: 0o700 });
    const dir = fs.mkdtempSync(path.join(workspacesDir, 'probe-'));
    // Sandbox id 0 is no account's (identities start at 1).
    const run = this.forRun(dir, 0);
    try {
      if (run.uid !== null) fs.chownSync(dir, run.uid, run.uid);
      let output = '';
      const child = launcher.spawn({
        command: run.wrap(['/usr/bin/true']),
        cwd: dir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        onOutput: (chunk) => (output += chunk.toString()),
        onEvents: () => undefined,
      });
      const exit = await child.exited;
      if (exit.exitCode !== 0) throw new Error(output.trim() || `bwrap exited with code ${exit.exitCode}`);
    } finally {
      await run.release();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The sandbox of one run, for the account with sandbox number `accountNumber`. */
  forRun(workspaceDir: string, accountNumber: number): RunSandbox {
    if (!this.layout) throw new Error('the sandbox was not started');
    const uid = this.perAccountUid ? this.settings.uidBase + accountNumber : null;
    return new RunSandbox(this.layout, workspaceDir, uid, RunLimits.create(this.backend, this.settings));
  }
}
