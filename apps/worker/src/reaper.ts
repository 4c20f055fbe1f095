import * as fs from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import { ExecutionRepository, isDatabaseUnavailable } from '@app/database';
import { finalStatus } from '@app/domain';
import { Periodic } from './periodic';

/**
 * Ends runs whose owner stopped heartbeating, and removes the workspaces such owners left behind. A run that had not started Ansible goes back to
 * PENDING; one that had is never repeated blindly: FAILURE "runner lost" (or STOPPED/KILLED when
 * that was already requested). Any worker may reap; the row lock and the fence make it safe.
 */
@Injectable()
export class Reaper {
  private readonly periodic: Periodic;
  /** No reaping before this time (epoch ms): see outageSeen(). */
  private holdUntil = 0;

  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    private readonly executions: ExecutionRepository,
  ) {
    this.periodic = new Periodic('reaper', logger, () => this.reap());
  }

  start(): void {
    // Jitter, so the workers' passes do not line up.
    this.periodic.start((this.config.leaseSeconds * 1000) / 2 + Math.floor(Math.random() * 1000));
  }

  stop(): void {
    this.periodic.stop();
  }

  /**
   * This worker could not reach the database. Leases that lapsed during an outage say nothing about
   * their owners (they could not renew either), so reaping waits one lease period after the last
   * failure: long enough for every live owner, which renews every third of a lease, to renew.
   */
  outageSeen(): void {
    this.holdUntil = Date.now() + this.config.leaseSeconds * 1000;
  }

  private async reap(): Promise<void> {
    if (Date.now() < this.holdUntil) return;
    try {
      await this.reapLapsed();
      await this.sweepWorkspaces();
    } catch (error) {
      if (isDatabaseUnavailable(error)) this.outageSeen();
      throw error;
    }
  }

  /**
   * A worker killed mid-run cannot remove its run's workspace, which holds the inventory and extra
   * vars (secrets among them). Any worker on the machine removes it once the run is no longer active;
   * the age check leaves alone a workspace whose worker is removing it itself right now.
   */
  private async sweepWorkspaces(): Promise<void> {
    const base = path.join(this.config.dataDir, 'workspaces');
    const minAgeMs = Math.max(2 * this.config.leaseSeconds, 5) * 1000;
    const stale = listDir(base).filter((name) => /^[0-9a-f]{8}-/.test(name) && ageMs(path.join(base, name)) > minAgeMs);
    if (!stale.length) return;
    const active = await this.executions.activePrefixes(stale.map((name) => name.slice(0, 8)));
    for (const name of stale.filter((n) => !active.has(n.slice(0, 8)))) {
      fs.rmSync(path.join(base, name), { recursive: true, force: true });
      this.logger.write('info', 'removed a workspace left by a lost run', { workspace: name });
    }
  }

  private async reapLapsed(): Promise<void> {
    for (const { id, attempt } of await this.executions.lapsed()) {
      const reaped = await this.executions.change(id, attempt, (current) => {
        if (!current.leaseExpiresAt || current.leaseExpiresAt.getTime() > Date.now()) return null;
        if (current.status === 'INITIALIZING') {
          return { status: 'PENDING', set: { owner: null, leaseExpiresAt: null, timers: current.timers.slice(0, -1) }, notify: 'queue' };
        }
        const status = finalStatus(current.status, 'FAILURE');
        return { status, set: { reason: 'runner lost' } };
      });
      if (reaped) this.logger.write('warn', 'reaped a run whose runner was lost', { executionId: id, status: reaped.status });
    }
  }
}

function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

/** Milliseconds since the entry last changed; 0 when it is gone already. */
function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}
