import type { AnsibleEvent } from '@app/ansible';
import type { PlaybookLauncher, PlaybookProcess } from '@app/process';

type SpawnOptions = Parameters<PlaybookLauncher['spawn']>[0];
type Exit = Awaited<PlaybookProcess['exited']>;

/**
 * A scripted ansible-playbook for the worker tier (test/integration/worker): the launcher's spawn() contract
 * (PlaybookLauncher, libs/process/src/run-guard.ts) without a process. The test makes it print lines and
 * callback-plugin events (ansible-event.ts), exit, or ignore SIGINT; it records the signals it got.
 * As with a real process, SIGKILL always ends it, and nothing it "prints" after its end arrives.
 */
export class FakePlaybook {
  readonly signals: NodeJS.Signals[] = [];
  /** A playbook that ignores SIGINT, so that only the kill after the stop's grace ends it. */
  ignoreSigint = false;
  private paused = false;
  /** Chunks held while the reader is paused (a real pipe holds them the same way). */
  private held: (() => void)[] = [];
  private ended?: Exit;
  private resolveExit!: (exit: Exit) => void;
  readonly exited = new Promise<Exit>((resolve) => (this.resolveExit = resolve));

  constructor(readonly options: SpawnOptions) {}

  /** The contract's side, handed to the run. */
  handle(pid: number): PlaybookProcess {
    return {
      pid,
      signal: (signal) => this.signal(signal),
      pause: () => (this.paused = true),
      resume: () => {
        this.paused = false;
        for (const deliver of this.held.splice(0)) deliver();
      },
      exited: this.exited,
    };
  }

  get running(): boolean {
    return !this.ended;
  }

  /** A transcript line on stdout. */
  print(line: string): void {
    this.deliver(() => this.options.onOutput(Buffer.from(`${line}\n`)));
  }

  /** One event line on the event pipe, as runner_events.py writes it. */
  event(fields: Partial<AnsibleEvent> & { event: string }): void {
    const line = JSON.stringify({ ...eventDefaults(), ...fields });
    this.deliver(() => this.options.onEvents(Buffer.from(`${line}\n`)));
  }

  exit(exitCode: number): void {
    this.end({ exitCode, signal: null });
  }

  private signal(signal: NodeJS.Signals): void {
    this.signals.push(signal);
    if (this.ended) return;
    if (signal === 'SIGKILL' || (signal === 'SIGINT' && !this.ignoreSigint)) this.end({ exitCode: null, signal });
  }

  private deliver(write: () => void): void {
    if (this.ended) return;
    if (this.paused) this.held.push(write);
    else write();
  }

  private end(exit: Exit): void {
    if (this.ended) return;
    // What was printed before the end is read before the end is seen, as with real pipes.
    for (const deliver of this.held.splice(0)) deliver();
    this.ended = exit;
    this.resolveExit(exit);
  }
}

/** Hands each run a FakePlaybook; `next()` is the next one spawned. */
export class FakeLauncher implements Pick<PlaybookLauncher, 'spawn'> {
  readonly spawned: FakePlaybook[] = [];
  private waiters: ((playbook: FakePlaybook) => void)[] = [];
  private pid = 990_000;

  spawn(options: SpawnOptions): PlaybookProcess {
    const playbook = new FakePlaybook(options);
    this.spawned.push(playbook);
    const handle = playbook.handle(++this.pid);
    for (const waiter of this.waiters.splice(0)) waiter(playbook);
    return handle;
  }

  /** The playbook the next spawn() starts (ask before the run gets that far: a run spawns once prepared). */
  next(): Promise<FakePlaybook> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

let sequence = 0;

/** A uuid and timestamp of its own per event; parseEventLine fills the other fields it leaves out. */
function eventDefaults(): Pick<AnsibleEvent, 'uuid' | 'play' | 'timestamp'> {
  return { uuid: `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`, play: 'fake play', timestamp: new Date().toISOString() };
}

/** The PLAY RECAP event (playbook_on_stats, as runner_events.py writes it): counters by host. */
export function statsEvent(hosts: Record<string, Partial<Record<'ok' | 'changed' | 'failures' | 'unreachable', number>>>): Partial<AnsibleEvent> & { event: string } {
  const counters = (s: Partial<Record<string, number>>) => ({ ok: 0, changed: 0, failures: 0, unreachable: 0, skipped: 0, rescued: 0, ignored: 0, ...s });
  return { event: 'playbook_on_stats', play: null, event_data: { hosts: Object.fromEntries(Object.entries(hosts).map(([h, s]) => [h, counters(s)])) } };
}
