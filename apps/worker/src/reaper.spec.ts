import { JsonLogger, RunnerConfig } from '@app/config';
import { ExecutionRepository } from '@app/database';
import { Reaper } from './reaper';

describe('Reaper after a database outage', () => {
  const unavailable = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

  function reaperWith(lapsed: jest.Mock): { reap: () => Promise<void> } {
    const executions = { lapsed, change: jest.fn() } as unknown as ExecutionRepository;
    const reaper = new Reaper({ leaseSeconds: 30, dataDir: '/nonexistent' } as RunnerConfig, new JsonLogger('test', 'error'), executions);
    return { reap: () => (reaper as unknown as { reap(): Promise<void> }).reap() };
  }

  it('reaps lapsed leases when the database has been reachable', async () => {
    const lapsed = jest.fn().mockResolvedValue([]);
    await reaperWith(lapsed).reap();
    expect(lapsed).toHaveBeenCalledTimes(1);
  });

  it('holds off for a lease period after it could not reach the database, so live owners renew first', async () => {
    const lapsed = jest.fn().mockRejectedValueOnce(unavailable).mockResolvedValue([]);
    const { reap } = reaperWith(lapsed);
    await expect(reap()).rejects.toThrow('ECONNREFUSED');
    await reap();
    expect(lapsed).toHaveBeenCalledTimes(1);
  });
});
