import { TRIVIAL_PLAYBOOK } from '../support/http';
import { allRecords, createAndStart, Stack, startStack, waitForStatus } from '../support/stack';
import { asSent, DripServer, Receiver, until } from '../support/webhook-servers';

const LOCAL = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' };
/** Jobs take at most 20 callbacks; three of A's jobs give 60 URLs, more than one delivery batch (50). */
const A_JOBS = 3;
const CALLBACKS_PER_JOB = 20;
/** The worker's per-host cap on deliveries in flight (RUNNER_WEBHOOK_HOST_CONCURRENCY), set explicitly here. */
const HOST_CONCURRENCY = 2;

/**
 * Tenant boundary: account FAIRA's callbacks all go to a slow-drip endpoint (it answers, then writes
 * a byte a second and never finishes), with enough pending deliveries to fill every batch; account
 * FAIRB's go to a normal receiver. B must get all its records while A's are still stuck.
 */
describe('webhook fairness between accounts', () => {
  let stack: Stack;
  const drip = new DripServer();
  const receiver = new Receiver();

  beforeAll(async () => {
    await Promise.all([drip.start(), receiver.start()]);
    stack = await startStack(
      { RUNNER_WEBHOOK_ALLOW_PRIVATE: 'true', RUNNER_WEBHOOK_TIMEOUT_MS: '3000', RUNNER_WEBHOOK_HOST_CONCURRENCY: String(HOST_CONCURRENCY) },
      { RUNNER_WEBHOOK_ALLOW_PRIVATE: 'true' },
    );
    for (const alias of ['FAIRA', 'FAIRB']) expect((await stack.admin.post('/v2/accounts/DEMO', { alias, name: alias })).status).toBe(201);
  });
  afterAll(async () => {
    await stack?.stop();
    await Promise.all([drip.stop(), receiver.stop()]);
  });

  it("delivers one account's webhooks while another account's endpoint drips forever", async () => {
    const aRuns = [];
    for (let j = 0; j < A_JOBS; j++) {
      const callbacks = Array.from({ length: CALLBACKS_PER_JOB }, (_, i) => ({ url: drip.url(`/a/${j * CALLBACKS_PER_JOB + i}`) }));
      aRuns.push(await createAndStart(stack.admin, 'FAIRA', { playbook: TRIVIAL_PLAYBOOK, hosts: [{ id: 'localhost', hostVars: LOCAL }], callbacks }));
    }
    for (const run of aRuns) expect((await waitForStatus(stack.admin, run.path)).status).toBe('SUCCESS');
    // A's deliveries are being attempted (and dripped at) before B's records exist.
    await until(() => drip.open > 0, 60_000, "a delivery to A's drip endpoint");

    const b = await createAndStart(stack.admin, 'FAIRB', {
      playbook: TRIVIAL_PLAYBOOK,
      hosts: [{ id: 'localhost', hostVars: LOCAL }],
      callbacks: [{ url: receiver.url('/b') }],
    });
    expect((await waitForStatus(stack.admin, b.path)).status).toBe('SUCCESS');
    const stored = await allRecords(stack.admin, 'FAIRB', b.job.id, b.execution.execution_id);
    await until(() => receiver.records('/b').length >= stored.length, 90_000, "all of B's records at B's receiver");
    expect(receiver.records('/b')).toEqual(asSent(stored));

    // B did not wait for A's backlog to drain: none of A's deliveries has got through yet.
    const [a] = await stack.db.query<{ delivered: string; pending: string }>(
      `SELECT count(*) FILTER (WHERE d.status = 'delivered') AS delivered, count(*) FILTER (WHERE d.status = 'pending') AS pending
         FROM webhook_deliveries d JOIN accounts a ON a.id = d.account_id WHERE a.alias = 'FAIRA'`,
    );
    expect(Number(a.delivered)).toBe(0);
    expect(Number(a.pending)).toBeGreaterThan(A_JOBS * CALLBACKS_PER_JOB);

    // A drip resets an idle timeout, so only a deadline on the whole attempt ends one: the runner
    // hangs up (the drip server never ends an answer itself) and keeps the delivery for a retry.
    await until(() => drip.endedByCaller > 0, 60_000, 'a dripping attempt ended by the runner');
    const timedOut = async () =>
      (await stack.db.query(`SELECT 1 FROM webhook_deliveries WHERE status = 'pending' AND last_error = 'no complete answer within 3000 ms'`)).length > 0;
    await until(timedOut, 30_000, 'a delivery failed by its deadline and kept for a retry');
    // One slow host holds at most its cap of deliveries at once, however many URLs point at it.
    expect(drip.mostOpen).toBeLessThanOrEqual(HOST_CONCURRENCY);
  }, 300_000);
});
