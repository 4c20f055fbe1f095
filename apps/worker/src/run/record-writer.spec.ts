import { RecordLog } from '@app/database';
import { SystemClock } from '@app/domain';
import { RecordWriter } from './record-writer';

describe('RecordWriter (attack review)', () => {
  it('pauses its source when transcript lines pile up unstored, not only records', async () => {
    // A database that stores nothing yet (slow, or in an outage): every batch waits.
    const batches: { lines: number; chars: number }[] = [];
    let release!: () => void;
    const stored = new Promise<void>((resolve) => (release = resolve));
    const repository = {
      appendBatch: async (_e: unknown, _f: number, _records: unknown[], lines: string[]) => {
        batches.push({ lines: lines.length, chars: lines.reduce((n, l) => n + l.length, 0) });
        await stored;
        return true;
      },
    } as unknown as RecordLog;
    const paused: boolean[] = [];
    const writer = new RecordWriter(repository, { id: 'e', jobId: 'j', accountId: 'a', attempt: 1 }, {
      outageSeconds: 60,
      clock: new SystemClock(),
      bufferLimit: 20_000,
      onFenced: () => undefined,
      onError: (error) => {
        throw error;
      },
      onBackpressure: (p) => paused.push(p),
      onWaiting: () => undefined,
    });
    // A run printing lines of 1 MiB (RUNNER_MAX_LINE_KB's default) and no events: before, the
    // worker held all of them (gigabytes) without ever pausing Ansible, and sent 2,000 at once.
    const line = 'x'.repeat(1024 * 1024);
    // 1 GiB in all (one string, held many times).
    for (let i = 0; i < 1024; i++) {
      writer.output(line);
      if (paused.length) break;
    }
    expect(paused).toEqual([true]);
    release();
    await writer.flush();
    expect(paused).toEqual([true, false]);
    // No batch is much over a few MiB.
    expect(batches.filter((b) => b.chars > 8 * 1024 * 1024)).toEqual([]);
  });
});
