import { DEFAULT_STOP_GRACE_SECONDS } from '@app/domain';
import type { PlaybookProcess } from '@app/process';

/**
 * The kill escalation of one run (README "Layout"): a stop interrupts the current process
 * (SIGINT: Ansible ends after its current task) and kills its process group once the grace has
 * passed (SIGKILL); a kill, a lost lease or a reached limit kills at once. A request that comes
 * before the process is running applies when it starts (attach). Also the run's timers, cleared
 * with the process killed when the run is over.
 */
export class RunSignals {
  private process?: PlaybookProcess;
  private requestedAs?: 'stop' | 'kill';
  private readonly timers: NodeJS.Timeout[] = [];

  get requested(): 'stop' | 'kill' | undefined {
    return this.requestedAs;
  }

  /**
   * The run's current process (the requirements installer, then ansible-playbook). A request that
   * came first reaches it now: a kill as SIGKILL, a stop as `onStop` (an installer has no task to finish).
   */
  attach(process: PlaybookProcess, onStop: 'SIGINT' | 'SIGKILL'): void {
    this.process = process;
    if (this.requestedAs === 'kill') process.signal('SIGKILL');
    else if (this.requestedAs === 'stop') process.signal(onStop);
  }

  /** Stop after the current task; killed after `graceSeconds` (the default when none was named). */
  requestStop(graceSeconds: number | null): void {
    if (this.requestedAs) return;
    this.requestedAs = 'stop';
    if (!this.process) return;
    this.process.signal('SIGINT');
    this.later(() => this.process?.signal('SIGKILL'), (graceSeconds ?? DEFAULT_STOP_GRACE_SECONDS) * 1000);
  }

  requestKill(): void {
    if (this.requestedAs === 'kill') return;
    this.requestedAs = 'kill';
    this.kill();
  }

  /** The whole process group at once (not a request: the run is abandoned or over its limits). */
  kill(): void {
    this.process?.signal('SIGKILL');
  }

  /** Backpressure: the process waits while its records cannot be stored. */
  pause(paused: boolean): void {
    if (paused) this.process?.pause();
    else this.process?.resume();
  }

  /** A timer of the run (its TTL, its limit checks): `every` repeats it. */
  later(work: () => void, ms: number, every = false): void {
    this.timers.push(every ? setInterval(work, ms) : setTimeout(work, ms));
  }

  /** The run is over: no timer fires, and nothing it started outlives it. */
  end(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.kill();
  }
}
