import * as fs from 'node:fs';
import { statsEvent } from '../../support/fake-launcher';
import { WorkerHarness } from '../../support/worker-harness';

/** A claimed run from preparation to its final status, on real PostgreSQL, Ansible played by a FakePlaybook. */
describe('worker tier: a run to its end', () => {
  let h: WorkerHarness;

  beforeAll(async () => {
    h = await WorkerHarness.start();
  });
  afterAll(() => h.stop());

  it('claims, prepares an inline playbook, stores every event in order and ends SUCCESS, its token revoked and workspace gone', async () => {
    const execution = await h.claimed();
    expect(execution).toMatchObject({ status: 'INITIALIZING', attempt: 1, owner: 'worker-test' });
    const done = h.run(execution).run();
    const playbook = await h.launcher.next();

    // Prepared: ansible-playbook's argv, the workspace as cwd, the run's token in its environment only.
    expect(playbook.options.command.argv[0]).toBe(h.config.ansiblePlaybook);
    expect(playbook.options.command.argv.some((arg) => arg.includes(playbook.options.env.RUNNER_API_TOKEN!))).toBe(false);
    expect(fs.existsSync(`${playbook.options.cwd}/playbook.yml`)).toBe(true);
    const [token] = await h.db.query<{ revoked_at: Date | null }>(`SELECT revoked_at FROM auth_tokens WHERE execution_id = $1`, [execution.id]);
    expect(token.revoked_at).toBeNull();
    expect((await h.row(execution.id)).status).toBe('RUNNING');

    playbook.event({ event: 'playbook_on_start' });
    playbook.event({ event: 'playbook_on_task_start', task: 'ping' });
    playbook.print('TASK [ping] ***');
    playbook.event({ event: 'runner_on_ok', host: 'web1', task: 'ping', message: 'pong' });
    playbook.event({ event: 'runner_on_ok', host: 'web2', task: 'ping', message: 'pong', changed: true });
    playbook.print('ok: [web1]');
    playbook.event(statsEvent({ web1: { ok: 1 }, web2: { ok: 1, changed: 1 } }));
    playbook.exit(0);
    await done;

    const row = await h.row(execution.id);
    expect(row).toMatchObject({ status: 'SUCCESS', exitCode: 0, reason: null, failedHosts: [], owner: null, leaseExpiresAt: null });
    expect(row.hostSummaries).toMatchObject({ web1: { ok: 1, changed: 0 }, web2: { ok: 1, changed: 1 } });
    const records = await h.records(execution.id);
    expect(records.map((r) => r.counter)).toEqual(records.map((_, i) => i + 1));
    expect(row.lastCounter).toBe(records.length);
    expect(records.map((r) => (r.event_type === 'execution_status' ? r.message : r.event_type))).toEqual([
      'PENDING',
      'INITIALIZING',
      'RUNNING',
      'playbook_on_start',
      'playbook_on_task_start',
      'runner_on_ok',
      'runner_on_ok',
      'playbook_on_stats',
      'SUCCESS',
      'playbook_result',
    ]);
    expect(await h.log.readOutput(execution.id, 1, 10)).toEqual(['TASK [ping] ***', 'ok: [web1]']);
    const [revoked] = await h.db.query<{ revoked_at: Date | null }>(`SELECT revoked_at FROM auth_tokens WHERE execution_id = $1`, [execution.id]);
    expect(revoked.revoked_at).not.toBeNull();
    expect(fs.existsSync(playbook.options.cwd)).toBe(false);
  });

  it('ends FAILURE with the failed host and its reason when ansible-playbook exits 2', async () => {
    const execution = await h.claimed();
    const done = h.run(execution).run();
    const playbook = await h.launcher.next();
    playbook.event({ event: 'runner_on_ok', host: 'web1', task: 'check' });
    playbook.event({ event: 'runner_on_failed', host: 'web2', task: 'check', failed: true, message: 'disk full' });
    playbook.event(statsEvent({ web1: { ok: 1 }, web2: { failures: 1 } }));
    playbook.exit(2);
    await done;

    const row = await h.row(execution.id);
    expect(row).toMatchObject({ status: 'FAILURE', exitCode: 2, failedHosts: ['web2'], reason: "web2 failed at task 'check': disk full" });
    const last = (await h.records(execution.id)).slice(-2);
    expect(last).toMatchObject([
      { event_type: 'execution_status', failed: true, message: "FAILURE: web2 failed at task 'check': disk full" },
      { event_type: 'playbook_result', failed: true },
    ]);
  });
});
