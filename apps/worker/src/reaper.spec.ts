import { RunWorkspaces } from '@app/ansible';
import { JsonLogger, RunnerConfig } from '@app/config';
import { ExecutionQueue, ExecutionWriter } from '@app/database';
import { SteppedClock } from '../../../test/support/stepped-clock';
import { Reaper } from './reaper';

describe('Reaper after a database outage', () => {
  const unavailable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

  function reaperWith(lapsed: jest.Mock, clock = new SteppedClock()): { reap: () => Promise<void> } {
    const queue = { lapsed, activePrefixes: jest.fn() } as unknown as ExecutionQueue;
    const writer = { change: jest.fn() } as unknown as ExecutionWriter;
    const config = { leaseSeconds: 30 } as RunnerConfig;
    const reaper = new Reaper(config, new JsonLogger('test', 'error'), queue, writer, new RunWorkspaces('/nonexistent'), clock);
    return { reap: () => (reaper as unknown as { reap(): Promise<void> }).reap() };
  }

  it('reaps lapsed leases when the database has been reachable', async () => {
    const lapsed = jest.fn().mockResolvedValue([]);
    await reaperWith(lapsed).reap();
    expect(lapsed).toHaveBeenCalledTimes(1);
  });

  it('holds off for a lease period after it could not reach the database, so live owners renew first, then reaps again', async () => {
    const lapsed = jest.fn().mockRejectedValueOnce(unavailable).mockResolvedValue([]);
    const clock = new SteppedClock();
    const { reap } = reaperWith(lapsed, clock);
    await expect(reap()).rejects.toThrow('ECONNREFUSED');
    clock.advance(29_000);
    await reap();
    expect(lapsed).toHaveBeenCalledTimes(1);
    clock.advance(2_000);
    await reap();
    expect(lapsed).toHaveBeenCalledTimes(2);
  });
});
