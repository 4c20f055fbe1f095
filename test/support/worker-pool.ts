import { OperationRepository, RunnerRepository } from '@app/database';
import { OperationRunner } from '../../apps/worker/src/operation-runner';
import { PoolService } from '../../apps/worker/src/pool.service';
import { Reaper } from '../../apps/worker/src/reaper';
import type { RunFactory } from '../../apps/worker/src/run/run-factory';
import { WorkerHarness } from './worker-harness';

/**
 * The worker's PoolService as worker.module.ts assembles it (real reaper, operation runner, runner
 * registry, NOTIFY listener), on the harness's database, with one difference: its runs come from
 * the harness, so they start FakePlaybooks. The factory's launcher is the only part replaced; the
 * pool only warms and closes it.
 */
export function workerPool(h: WorkerHarness): PoolService {
  const { config, logger, keypairs, servers, box, sandbox, workspaces, clock } = h.deps;
  const runFactory = {
    launcher: { warm: () => undefined, close: () => undefined },
    sandbox,
    create: (execution) => h.run(execution),
    probeSandbox: () => Promise.resolve(),
  } as Pick<RunFactory, 'create' | 'probeSandbox' | 'sandbox'> & { launcher: unknown };
  return new PoolService(
    config,
    logger,
    h.queue,
    new RunnerRepository(h.dataSource),
    new Reaper(config, logger, h.queue, h.writer, workspaces, clock),
    new OperationRunner(config, logger, new OperationRepository(h.dataSource), keypairs, servers, box),
    runFactory as RunFactory,
  );
}
