import { CheckoutError, ProjectError, RunSandbox, RunWorkspaces, Sandbox, UnusableKeyError, Workspace } from '@app/ansible';
import { JsonLogger } from '@app/config';
import { Execution, ExecutionChange, ExecutionWriter, RecordLog } from '@app/database';
import { CLAIMED_STATUS, DEFAULT_STOP_GRACE_SECONDS, ExecutionStatus, STOPPABLE_STATUSES } from '@app/domain';
import { UnopenableSealedValue } from '@app/keys';
import { EventIngest } from './event-ingest';
import { RecordWriter } from './record-writer';
import { rideOutOutage } from './ride-out';
import { resultRecord, terminalChange } from './run-outcome';
import { InitFailure } from './init-failure';
import { PreparationDependencies, PreparedRun, RunPreparation } from './run-preparation';
import { RunSecrets } from './run-secrets';
import type { RunVault } from './run-vault';
import type { PlaybookLauncher } from '@app/process';
import { RunSignals } from './run-signals';

export interface RunDependencies extends PreparationDependencies {
  /** Status changes, fenced by the attempt (the claim itself was the queue's). */
  writer: Pick<ExecutionWriter, 'change'>;
  /** Where the run's transcript lines and event records go (RecordWriter). */
  log: Pick<RecordLog, 'appendBatch'>;
  workspaces: RunWorkspaces;
  logger: JsonLogger;
  launcher: Pick<PlaybookLauncher, 'spawn'>;
  sandbox: Sandbox;
  /** Milliseconds in one minute of executionTtl (default 60,000): the worker tier's tests expire a TTL in a moment. */
  ttlMinuteMs?: number;
}

/** How often a running sandbox's limit counters are read (two small files). */
const LIMIT_CHECK_MS = 1000;

/**
 * One claimed execution from workspace to final status: prepare (INITIALIZING, run-preparation.ts),
 * run ansible-playbook (RUNNING) with every event stored as a record (event-ingest.ts), finish
 * (run-outcome.ts). Every write is fenced by the attempt this worker claimed; once fenced out, it
 * kills the process group and writes nothing.
 */
export class ExecutionRun {
  private lost = false;
  private readonly signals = new RunSignals();
  private readonly writer: RecordWriter;
  private readonly secrets = new RunSecrets();
  private readonly ingest: EventIngest;
  private readonly preparation: RunPreparation;
  /** Where the run's processes are confined (unset with RUNNER_SANDBOX=off). */
  private sandbox?: RunSandbox;
  /** Set once the run reached a limit of its sandbox: the reason it ended. */
  private limitReason?: string;
  /** Milliseconds since the claim at each launch step, logged when ansible-playbook starts. */
  private readonly launchSteps: Record<string, number> = {};
  private readonly claimedAt = performance.now();

  constructor(
    private readonly deps: RunDependencies,
    readonly execution: Execution,
  ) {
    this.writer = new RecordWriter(deps.log, execution, {
      outageSeconds: deps.config.dbOutageSeconds,
      clock: deps.clock,
      bufferLimit: deps.config.recordBuffer,
      onFenced: () => this.leaseLost('a write was fenced out'),
      onError: (error) => {
        deps.logger.write('error', 'records could not be stored', { executionId: execution.id, error: error.message });
        // Records are gone beyond this point: stop Ansible rather than run on unrecorded.
        this.leaseLost('records could not be stored');
      },
      onBackpressure: (paused) => {
        deps.logger.write('info', paused ? 'record buffer full; Ansible paused' : 'record buffer drained; Ansible resumed', { executionId: execution.id });
        this.signals.pause(paused);
      },
      onWaiting: (error) =>
        deps.logger.write('warn', 'database unreachable; holding records', { executionId: execution.id, error: error.message }),
    });
    this.ingest = new EventIngest(this.writer, this.secrets, deps.config, deps.clock);
    this.preparation = new RunPreparation(deps, execution, this.secrets, (name) => this.step(name));
  }

  get attempt(): number {
    return this.execution.attempt;
  }

  async run(): Promise<void> {
    let workspace: Workspace | undefined;
    try {
      const reading = RunPreparation.read(this.deps, this.execution);
      reading.catch(() => undefined); // awaited below; this only keeps an early throw from leaving it unhandled
      workspace = this.deps.workspaces.create(this.execution.id);
      const data = await reading;
      this.confine(workspace, data.account?.sandboxId ?? null);
      const prepared = await this.preparation.prepare(workspace, this.sandbox, data, {
        launcher: this.deps.launcher,
        output: (line) => this.writer.output(this.secrets.mask(line)),
        // A stop or kill reaches the requirements installer as it would ansible-playbook (one that came first, at once).
        onSpawn: (installer) => this.signals.attach(installer, 'SIGKILL'),
      });
      this.step('prepared');
      if (this.lost) return;
      const requested = this.signals.requested;
      if (requested) return void (await this.finish(requested === 'kill' ? 'KILLED' : 'STOPPED', null));
      const running = await this.change((current) =>
        current.status === CLAIMED_STATUS
          ? { status: 'RUNNING', set: { repositoryLog: prepared.repositoryLog, isVpnEstablished: prepared.isVpnEstablished } }
          : null,
      );
      if (!running || running.status !== 'RUNNING') return void (await this.finish('STOPPED', null));
      this.step('running');
      const exit = await this.execute(workspace, prepared);
      await this.writer.flush();
      await this.finish(exit.exitCode === 0 && !this.limitReason ? 'SUCCESS' : 'FAILURE', exit.exitCode, exit.signal, prepared.vault);
    } catch (error) {
      if (this.lost) return;
      const expected = [InitFailure, UnusableKeyError, CheckoutError, UnopenableSealedValue, ProjectError].some((kind) => error instanceof kind);
      // Masked like output: an error's message may quote what it failed on (a variable, a URL).
      const reason = this.secrets.mask(expected ? (error as Error).message : `internal error while preparing the run: ${(error as Error).message}`);
      if (!expected) {
        this.deps.logger.write('error', 'run failed', { executionId: this.execution.id, error: this.secrets.mask(String((error as Error).stack)) });
      }
      await this.writer.flush();
      await this.change((current) =>
        current.status === CLAIMED_STATUS
          ? { status: 'INIT_FAILURE', set: { reason, isVpnEstablished: false }, records: [resultRecord(this.deps.clock.now(), false, `INIT_FAILURE: ${reason}`)] }
          : terminalChange(current, 'FAILURE', this.ingest, { reason }, this.deps.clock.now()),
      ).catch((e) => this.deps.logger.write('error', 'could not record the failure', { executionId: this.execution.id, error: e.message }));
    } finally {
      this.signals.end();
      await this.preparation.release();
      await this.sandbox?.release().catch(() => undefined);
      if (workspace) {
        if (!this.lost) await this.rememberHostKeys(workspace);
        workspace.remove();
      }
    }
  }

  /** Host keys first seen by this run become the account's known hosts (RunPreparation.hostKeysToRemember). */
  private async rememberHostKeys(workspace: Workspace): Promise<void> {
    try {
      await this.deps.knownHosts.remember(this.execution.accountId, this.preparation.hostKeysToRemember(workspace));
    } catch {
      // The database is unreachable, or the workspace was swept already (the run had ended): the
      // keys are learnt again on the next run.
    }
  }

  /** Stop after the current task; killed after the grace period (run-signals.ts). */
  requestStop(graceSeconds: number | null): void {
    this.signals.requestStop(graceSeconds);
  }

  requestKill(): void {
    this.signals.requestKill();
  }

  /**
   * The worker is shutting down (its drain time is over): STOPPING with `reason`, then a stop with
   * `graceSeconds`. Not waiting out an outage: the worker is leaving either way.
   */
  async shutdown(reason: string, graceSeconds: number): Promise<void> {
    const stopping = (current: Execution): ExecutionChange | null =>
      STOPPABLE_STATUSES.includes(current.status) ? { status: 'STOPPING', set: { reason, stopGraceSeconds: graceSeconds } } : null;
    await this.deps.writer.change(this.execution.id, this.execution.attempt, stopping).catch(() => null);
    this.requestStop(graceSeconds);
  }

  /** Another owner may have the run now: stop everything and write nothing more. */
  leaseLost(why: string): void {
    if (this.lost) return;
    this.lost = true;
    this.deps.logger.write('warn', 'lease lost; abandoning the run', { executionId: this.execution.id, why });
    this.signals.kill();
  }

  /** The run's sandbox (README "Run sandbox"): its uid owns the workspace from here on. */
  private confine(workspace: Workspace, sandboxId: number | null): void {
    if (!this.deps.sandbox.enabled) return;
    if (sandboxId === null) throw new InitFailure('the account was deleted');
    this.sandbox = this.deps.sandbox.forRun(workspace.dir, sandboxId);
    if (this.sandbox.uid !== null) workspace.ownBy(this.sandbox.uid);
  }

  // ---- running (RUNNING) ------------------------------------------------------------------

  private async execute(workspace: Workspace, prepared: PreparedRun): Promise<{ exitCode: number | null; signal: string | null }> {
    const argv = [this.deps.config.ansiblePlaybook, ...prepared.args];
    const process = this.deps.launcher.spawn({
      command: this.sandbox ? this.sandbox.wrap(argv) : { argv },
      cwd: workspace.dir,
      env: prepared.env,
      onOutput: (chunk) => this.ingest.outputChunk(chunk),
      onEvents: (chunk) => this.ingest.eventChunk(chunk),
    });
    this.step('spawned');
    this.deps.logger.write('debug', 'ansible-playbook started', { executionId: this.execution.id, pid: process.pid, launchMs: this.launchSteps });
    // A stop or kill that arrived while preparing applies now.
    this.signals.attach(process, 'SIGINT');
    const ttlMinutes = prepared.ttlMinutes;
    this.signals.later(() => void this.ttlExpired(ttlMinutes), ttlMinutes * (this.deps.ttlMinuteMs ?? 60_000));
    if (this.sandbox) this.signals.later(() => this.checkLimits(), LIMIT_CHECK_MS, true);
    const exit = await process.exited;
    this.checkLimits();
    this.deps.logger.write('debug', 'ansible-playbook ended', { executionId: this.execution.id, ...exit });
    this.ingest.end();
    return exit;
  }

  /** A run that reached a limit of its sandbox (a fork bomb, a memory hog) is ended, with that reason. */
  private checkLimits(): void {
    if (this.limitReason) return;
    const reason = this.sandbox?.limitReached();
    if (!reason) return;
    this.limitReason = reason;
    this.signals.kill();
  }

  private step(name: string): void {
    this.launchSteps[name] = Math.round((performance.now() - this.claimedAt) * 10) / 10;
  }

  private async ttlExpired(minutes: number): Promise<void> {
    const reason = `the execution exceeded its executionTtl of ${minutes} minute(s)`;
    const changed = await this.change((current) =>
      current.status === 'RUNNING' ? { status: 'STOPPING', set: { reason, stopGraceSeconds: DEFAULT_STOP_GRACE_SECONDS } } : null,
    ).catch(() => null);
    if (changed?.status === 'STOPPING') this.requestStop(DEFAULT_STOP_GRACE_SECONDS);
  }

  // ---- finishing ------------------------------------------------------------------------------

  private async finish(natural: ExecutionStatus, exitCode: number | null, signal?: string | null, vault?: RunVault): Promise<void> {
    if (this.lost) return;
    const failedHosts = this.ingest.stats?.failedHosts ?? [];
    const reason =
      natural === 'FAILURE'
        ? this.limitReason ||
          (vault ? vault.explain(this.ingest.failureReason() ?? '') : this.ingest.failureReason()) ||
          (signal ? `ansible-playbook ended by ${signal}` : `ansible-playbook exited with code ${exitCode}`)
        : null;
    await this.change((current) => terminalChange(current, natural, this.ingest, { exitCode, reason, failedHosts }, this.deps.clock.now()));
  }

  /** A fenced status change; waits out a database outage (a run that finished during one still ends right). */
  private change(decide: (current: Execution) => ExecutionChange | null): Promise<Execution | null> {
    const ride = { outageSeconds: this.deps.config.dbOutageSeconds, clock: this.deps.clock };
    return rideOutOutage(() => this.deps.writer.change(this.execution.id, this.execution.attempt, decide), ride).then((result) => {
      if (result === null) this.leaseLost('the execution row is gone or owned by a newer attempt');
      return result;
    });
  }
}
