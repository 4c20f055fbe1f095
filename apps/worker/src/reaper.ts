import { Inject, Injectable } from '@nestjs/common';
import { RunWorkspaces } from '@app/ansible';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import { ExecutionQueue, ExecutionWriter, isDatabaseUnavailable } from '@app/database';
import { CLAIMED_STATUS, Clock, finalStatus, QUEUED_STATUS } from '@app/domain';
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
    private readonly queue: ExecutionQueue,
    private readonly writer: ExecutionWriter,
    private readonly workspaces: RunWorkspaces,
    private readonly clock: Clock,
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
    this.holdUntil = this.now() + this.config.leaseSeconds * 1000;
  }

  private now(): number {
    return this.clock.now().getTime();
  }

  private async reap(): Promise<void> {
    if (this.now() < this.holdUntil) return;
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
    const minAgeMs = Math.max(2 * this.config.leaseSeconds, 5) * 1000;
    const stale = this.workspaces.olderThan(minAgeMs, this.clock.now());
    if (!stale.length) return;
    const active = await this.queue.activePrefixes(stale.map(RunWorkspaces.executionPrefix));
    for (const name of stale.filter((n) => !active.has(RunWorkspaces.executionPrefix(n)))) {
      this.workspaces.remove(name);
      this.logger.write('info', 'removed a workspace left by a lost run', { workspace: name });
    }
  }

  private async reapLapsed(): Promise<void> {
    for (const { id, attempt } of await this.queue.lapsed()) {
      const reaped = await this.writer.change(id, attempt, (current) => {
        if (!current.leaseExpiresAt || current.leaseExpiresAt.getTime() > this.now()) return null;
        if (current.status === CLAIMED_STATUS) {
          return { status: QUEUED_STATUS, set: { owner: null, leaseExpiresAt: null, timers: current.timers.slice(0, -1) }, notify: 'queue' };
        }
        const status = finalStatus(current.status, 'FAILURE');
        return { status, set: { reason: 'runner lost' } };
      });
      if (reaped) this.logger.write('warn', 'reaped a run whose runner was lost', { executionId: id, status: reaped.status });
    }
  }
}
