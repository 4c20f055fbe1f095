import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CONFIG, JsonLogger, RUNNER_VERSION, RunnerConfig } from '@app/config';
import { CHANNELS, ExecutionQueue, isDatabaseUnavailable, OPERATIONS_CHANNEL, PgListener, RunnerRepository } from '@app/database';
import { ansiblePlaybookVersion } from '@app/ansible';
import { ExecutionStatus } from '@app/domain';
import { ExecutionRun } from './run/execution-run';
import { RunFactory } from './run/run-factory';
import { FailureLog } from './periodic';
import { Reaper } from './reaper';
import { OperationRunner } from './operation-runner';
import { landlockAbi } from '@app/process';

/** How long a run stopped by a shutdown gets before it is killed. */
const SHUTDOWN_GRACE_SECONDS = 10;

/**
 * The worker pool: claims runs while it has free slots (woken by NOTIFY, with a polling
 * fallback), renews their leases on a heartbeat, and relays stop and kill requests.
 */
@Injectable()
export class PoolService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly workerId = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly runs = new Map<string, ExecutionRun>();
  private listener?: PgListener;
  private pollTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private filling = false;
  private fillAgain = false;
  private draining = false;
  private readonly claimFailures: FailureLog;

  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    private readonly queue: ExecutionQueue,
    private readonly runners: RunnerRepository,
    private readonly reaper: Reaper,
    private readonly operations: OperationRunner,
    private readonly runFactory: RunFactory,
  ) {
    this.claimFailures = new FailureLog(logger, 'claiming failed; will retry', 'claiming works again');
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.startSandbox();
    await this.runners.register({
      id: this.workerId,
      host: os.hostname(),
      pid: process.pid,
      slots: this.config.workerSlots,
      version: RUNNER_VERSION,
      ansible: await ansiblePlaybookVersion(this.config.ansiblePlaybook),
    });
    this.listener = new PgListener(
      this.config.databaseUrl!,
      [CHANNELS.queue, CHANNELS.control, OPERATIONS_CHANNEL],
      (channel, payload) => {
        if (channel === CHANNELS.queue) void this.fill();
        else if (channel === CHANNELS.control) void this.control(payload);
        else void this.operations.drain();
      },
      (error) => this.logger.write('warn', 'notification listener reconnecting', { error: error.message }),
    );
    await this.listener.start();
    this.pollTimer = setInterval(() => void this.fill(), this.config.pollIntervalMs);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), (this.config.leaseSeconds * 1000) / 3);
    this.reaper.start();
    this.operations.start(this.workerId);
    this.logger.write('info', 'worker pool ready', { workerId: this.workerId, slots: this.config.workerSlots });
    this.runFactory.launcher.warm();
    void this.fill();
  }

  /** Claims until the slots are full or the queue is empty; one filler at a time. */
  private async fill(): Promise<void> {
    if (this.filling) {
      this.fillAgain = true;
      return;
    }
    this.filling = true;
    try {
      do {
        this.fillAgain = false;
        while (!this.draining && this.runs.size < this.config.workerSlots) {
          const claimStarted = performance.now();
          const { claimed, more } = await this.queue.claimNext(this.workerId, this.config.leaseSeconds, this.config.accountMaxRuns);
          if (!claimed) {
            // Nothing claimed but more waiting: an account was being claimed by another worker.
            if (more) this.fillAgain = true;
            break;
          }
          this.launch(this.runFactory.create(claimed), performance.now() - claimStarted);
          if (!more) break;
        }
      } while (this.fillAgain);
      this.claimFailures.succeeded();
    } catch (error) {
      this.claimFailures.failed(error);
    } finally {
      this.filling = false;
    }
  }

  /** Refuses to start a worker that cannot confine its runs, unless told to run them unconfined. */
  private async startSandbox(): Promise<void> {
    const sandbox = this.runFactory.sandbox;
    if (!sandbox.enabled) {
      this.logger.write('warn', 'RUNNER_SANDBOX=off: playbooks run unconfined, as this worker\'s own user; only for a trusted single-team install');
      return;
    }
    try {
      sandbox.start();
      await this.runFactory.probeSandbox();
    } catch (error) {
      throw new Error(
        `the run sandbox cannot be set up: ${lastLine((error as Error).message)}. It needs bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) ` +
          'and, in a container, the rights README "Run sandbox" lists. For a trusted single-team install only, RUNNER_SANDBOX=off runs playbooks unconfined.',
      );
    }
    if (!sandbox.perAccountUid) {
      this.logger.write('warn', 'the worker is not root: runs are sandboxed but keep the worker\'s uid, and limits are per process (rlimits)');
    }
    const landlock = await landlockAbi();
    this.logger.write('info', 'run sandbox ready', { limits: sandbox.limitBackend, perAccountUid: sandbox.perAccountUid, landlockAbi: landlock });
    if (landlock < 6) {
      this.logger.write('warn', `this kernel's Landlock ABI is ${landlock}: runs can reach abstract Unix sockets of the host and of other runs${landlock < 4 ? ' and listen on TCP ports' : ''} (Linux 6.12 confines both)`);
    }
  }

  private launch(run: ExecutionRun, claimMs: number): void {
    const id = run.execution.id;
    this.runs.set(id, run);
    this.logger.write('info', 'run claimed', { executionId: id, attempt: run.attempt, claimMs: Math.round(claimMs * 10) / 10 });
    run
      .run()
      .catch((error) => this.logger.write('error', 'run crashed', { executionId: id, error: (error as Error).stack }))
      .finally(() => {
        this.runs.delete(id);
        this.logger.write('info', 'run finished', { executionId: id });
        void this.fill();
      });
  }

  /** A stop or kill request (NOTIFY payload: execution id) for a run this worker may hold. */
  private async control(executionId: string): Promise<void> {
    const run = this.runs.get(executionId);
    if (!run) return;
    const current = await this.queue.requested(executionId).catch(() => null);
    if (current) this.applyStatus(run, current.status, current.stopGraceSeconds);
    else run.leaseLost('the execution was deleted');
  }

  private applyStatus(run: ExecutionRun, status: ExecutionStatus, graceSeconds: number | null): void {
    if (status === 'KILLING') run.requestKill();
    else if (status === 'STOPPING') run.requestStop(graceSeconds);
  }

  /** Renews every lease; a run whose lease could not be renewed is abandoned (fencing). */
  private async heartbeat(): Promise<void> {
    await this.runners.heartbeat(this.workerId, this.draining).catch((error) => {
      if (isDatabaseUnavailable(error)) this.reaper.outageSeen();
    });
    const runs = [...this.runs.values()];
    if (!runs.length) return;
    try {
      const held = await this.queue.renewLeases(
        this.workerId,
        runs.map((r) => ({ id: r.execution.id, attempt: r.attempt })),
        this.config.leaseSeconds,
      );
      const byId = new Map(held.map((h) => [h.id, h]));
      for (const run of runs) {
        const lease = byId.get(run.execution.id);
        if (!lease) {
          // Finished between the snapshot and the renewal, or truly lost: only the latter matters.
          if (this.runs.has(run.execution.id)) run.leaseLost('the lease could not be renewed');
          continue;
        }
        if (lease.status === 'STOPPING' || lease.status === 'KILLING') {
          const current = await this.queue.requested(run.execution.id);
          if (current) this.applyStatus(run, current.status, current.stopGraceSeconds);
        }
      }
    } catch (error) {
      if (isDatabaseUnavailable(error)) this.reaper.outageSeen();
      this.logger.write('warn', 'heartbeat failed', { error: (error as Error).message });
    }
  }

  /**
   * Drain: stop claiming, let running executions finish for RUNNER_DRAIN_SECONDS, then stop them
   * with the reason "runner shutting down" (killed if they ignore it), keeping leases alive throughout.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    void this.runners.heartbeat(this.workerId, true).catch(() => undefined);
    clearInterval(this.pollTimer);
    this.reaper.stop();
    this.operations.stop();
    await this.listener?.stop();
    if (this.runs.size) this.logger.write('info', 'draining', { runs: this.runs.size, seconds: this.config.drainSeconds });
    await this.whileRunning(this.config.drainSeconds * 1000);
    for (const run of this.runs.values()) await run.shutdown('runner shutting down', SHUTDOWN_GRACE_SECONDS);
    await this.whileRunning((SHUTDOWN_GRACE_SECONDS + 5) * 1000);
    this.runFactory.launcher.close();
    clearInterval(this.heartbeatTimer);
    await this.runners.remove(this.workerId).catch(() => undefined);
  }

  /** Waits up to `ms` (counted in its own 100 ms steps) for the runs to end. */
  private async whileRunning(ms: number): Promise<void> {
    for (let waited = 0; this.runs.size && waited < ms; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The line of a message that says what went wrong (a Python traceback says it last). */
function lastLine(text: string): string {
  return text.trim().split('\n').pop()!.trim();
}
