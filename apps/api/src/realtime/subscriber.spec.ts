import type { Socket } from 'socket.io';
import type { StatusRecordDocument } from '@app/realtime';
import { ExecutionScope, Subscriber } from './subscriber';

const scope: ExecutionScope = { createdAt: 0, jobId: 'job', accountId: 'acc', accountPath: '/acc/', accountAlias: 'DEMO' };
const record = (counter: number, status?: string): StatusRecordDocument =>
  ({ counter, execution_id: 'run', event_type: status ? 'execution_status' : 'runner_on_ok', event_data: status ? { status } : {} }) as StatusRecordDocument;

describe('Subscriber', () => {
  it('leaves an execution out of the catch-up sweep once its terminal status was sent, and takes it back on a restart', async () => {
    const stored: StatusRecordDocument[] = [];
    const emitted: number[] = [];
    const socket = { connected: true, emit: (_: string, r: StatusRecordDocument) => emitted.push(r.counter), conn: { writeBuffer: [] } } as unknown as Socket;
    const reads: number[] = [];
    const subscriber = new Subscriber(
      socket,
      async (_id, after) => {
        reads.push(after);
        return stored.filter((r) => r.counter > after).slice(0, 2);
      },
      2,
    );
    subscriber.subscriptions.set('run', { key: 'run', accountId: 'acc', accountPath: '/acc/', executionId: 'run', since: 0 });

    stored.push(record(1, 'PENDING'), record(2, 'RUNNING'), record(3));
    await subscriber.catchUp('run', scope);
    expect(subscriber.unfinishedExecutions()).toEqual(['run']);
    stored.push(record(4, 'FAILURE'), record(5));
    await subscriber.catchUp('run', scope);
    expect(subscriber.unfinishedExecutions()).toEqual([]);
    stored.push(record(6, 'PENDING'));
    await subscriber.catchUp('run', scope);
    expect(subscriber.unfinishedExecutions()).toEqual(['run']);
    expect(emitted).toEqual([1, 2, 3, 4, 5, 6]);
    // Full reads (2 of 2) are followed by another; a short one ends the catch-up without a read for nothing.
    expect(reads).toEqual([0, 2, 3, 5, 5]);
  });
});
