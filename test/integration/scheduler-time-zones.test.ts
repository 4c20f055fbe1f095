import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { JsonLogger, loadConfig } from '@app/config';
import { createDataSource, ExecutionWriter, JobRepository, LoginFailureRepository, ScheduleRepository, UserRepository } from '@app/database';
import { Clock, fireTimes } from '@app/domain';
import { hashPassword } from '../../libs/keys/src/password-hasher';
import { sealed } from '../../libs/keys/src/sealed-columns';
import { SecretBox } from '../../libs/keys/src/secret-box';
import { Scheduler } from '../../apps/worker/src/scheduler';
import { ServiceAccountLogin } from '../../apps/worker/src/service-account-login';
import { createTestDatabase, TestDatabase } from '../support/database';

/** The time the test says it is: the scheduler reads nothing else. */
class FixedClock extends Clock {
  at = new Date(0);

  now(): Date {
    return new Date(this.at);
  }
}

/**
 * The worker's Scheduler on real PostgreSQL, with a fixed clock the test moves: a schedule fires at
 * the fire times of its cron in its own time zone, across both DST changes of Europe/Berlin in 2026
 * (29 March: 02:00 CET becomes 03:00 CEST; 25 October: 03:00 CEST becomes 02:00 CET).
 */
describe('scheduler: fire times in a schedule’s time zone', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let dataDir: string;
  let scheduler: Scheduler;
  let schedules: ScheduleRepository;
  const clock = new FixedClock();
  const accountId = randomUUID();
  const jobId = randomUUID();
  const userId = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await createDataSource(db.url, 2).initialize();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-scheduler-'));
    const config = loadConfig({ DATABASE_URL: db.url, RUNNER_DATA_DIR: dataDir, RUNNER_SANDBOX: 'off' });
    const box = new SecretBox(Buffer.alloc(32, 7));
    schedules = new ScheduleRepository(dataSource);
    const login = new ServiceAccountLogin(config, new LoginFailureRepository(dataSource), schedules, new JobRepository(dataSource), new UserRepository(dataSource), box, clock);
    scheduler = new Scheduler(new JsonLogger('scheduler-test', 'warn'), config, schedules, new ExecutionWriter(dataSource, clock), login, clock);

    // An account with a job and a service account whose user may start its runs.
    await db.query(`INSERT INTO accounts (id, alias, name, path, location_alias) VALUES ($1, 'TZ', 'TZ', '/TZ/', 'X')`, [accountId]);
    await db.query(`INSERT INTO users (id, account_id, username, password_hash, roles) VALUES ($1, $2, 'tz-runner', $3, '{ServerOperator}')`, [userId, accountId, await hashPassword('tz-password')]);
    await db.query(`INSERT INTO jobs (id, account_id, description, definition, created_at, updated_at) VALUES ($1, $2, '', $3, now(), now())`, [
      jobId,
      accountId,
      JSON.stringify({ playbook: Buffer.from('- hosts: all\n  tasks: []\n').toString('base64'), hosts: [], callbacks: [], executionTtl: 60 }),
    ]);
    const sealedPassword = box.seal('tz-password', sealed.serviceAccount(accountId, 'nightly'));
    await schedules.saveServiceAccount({ accountId, alias: 'nightly', username: 'tz-runner', sealedPassword, createdAt: new Date() }, false);
  });
  // Each test starts with no schedule due (the clock moves back and forth between tests).
  afterEach(() => db.query(`DELETE FROM schedules`));
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** A cron schedule created at `at`, its first due time computed as the API computes it. */
  async function cronSchedule(expression: string, timeZone: string, at: string): Promise<string> {
    clock.at = new Date(at);
    const id = ScheduleRepository.newId();
    const nextRunAt = fireTimes({ type: 'cron', expression, timeZone })(clock.now());
    const [description, serviceAccountAlias, createdAt] = [expression, 'nightly', clock.now()];
    await schedules.insert({ id, jobId, accountId, description, serviceAccountAlias, triggerType: 'cron', expression, timeZone, enabled: true, overlap: 'allow', catchUp: 'one', nextRunAt, createdAt, updatedAt: createdAt });
    return id;
  }

  /** Sets the clock and runs one scheduler pass, as the worker's timer does every second. */
  async function passAt(at: string): Promise<void> {
    clock.at = new Date(at);
    await scheduler.pass();
  }

  const fires = async (id: string): Promise<{ fire: string; outcome: string; createdBy: string | null }[]> =>
    (
      await db.query<{ fire_time: Date; outcome: string; created_by: string | null }>(
        `SELECT f.fire_time, f.outcome, e.created_by FROM schedule_fires f LEFT JOIN executions e ON e.id = f.execution_id WHERE f.schedule_id = $1 ORDER BY f.fire_time`,
        [id],
      )
    ).map((row) => ({ fire: row.fire_time.toISOString(), outcome: row.outcome, createdBy: row.created_by }));
  const nextRunAt = async (id: string): Promise<string | undefined> =>
    (await db.query<{ next_run_at: Date | null }>(`SELECT next_run_at FROM schedules WHERE id = $1`, [id]))[0].next_run_at?.toISOString();
  const started = (fire: string) => ({ fire, outcome: 'started', createdBy: userId });

  it('fires "0 2 * * *" in Europe/Berlin at 03:00 CEST on the day 02:00 does not exist, then at 02:00 again', async () => {
    const id = await cronSchedule('0 2 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z');
    expect(await nextRunAt(id)).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST, the first minute after the gap

    await passAt('2026-03-29T00:59:00Z'); // 01:59 CET: not yet
    expect(await fires(id)).toEqual([]);
    await passAt('2026-03-29T01:00:00Z');
    expect(await fires(id)).toEqual([started('2026-03-29T01:00:00.000Z')]);
    expect(await nextRunAt(id)).toBe('2026-03-30T00:00:00.000Z'); // 02:00 CEST

    await passAt('2026-03-30T00:00:00Z');
    expect(await fires(id)).toEqual([started('2026-03-29T01:00:00.000Z'), started('2026-03-30T00:00:00.000Z')]);
    expect(await nextRunAt(id)).toBe('2026-03-31T00:00:00.000Z');
  });

  it('fires "30 2 * * *" once on the day 02:30 happens twice, and "*/30 2 * * *" at every 02:xx that happens', async () => {
    const fixed = await cronSchedule('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z');
    const repeating = await cronSchedule('*/30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z');
    // 02:00 CEST, 02:30 CEST, then the clocks go back: 02:00 CET, 02:30 CET.
    for (const at of ['2026-10-25T00:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:00:00Z', '2026-10-25T01:30:00Z']) await passAt(at);
    expect(await fires(fixed)).toEqual([started('2026-10-25T00:30:00.000Z')]);
    expect(await nextRunAt(fixed)).toBe('2026-10-26T01:30:00.000Z'); // 02:30 CET the next day
    expect(await fires(repeating)).toEqual(['2026-10-25T00:00:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-25T01:00:00.000Z', '2026-10-25T01:30:00.000Z'].map(started));
    expect(await nextRunAt(repeating)).toBe('2026-10-26T01:00:00.000Z');
  });

  it('reads the same expression in UTC by default: the zone, not the server, decides', async () => {
    const utc = await cronSchedule('0 2 * * *', 'UTC', '2026-03-28T12:00:00Z');
    const tokyo = await cronSchedule('0 2 * * *', 'Asia/Tokyo', '2026-03-28T12:00:00Z');
    expect(await nextRunAt(utc)).toBe('2026-03-29T02:00:00.000Z');
    expect(await nextRunAt(tokyo)).toBe('2026-03-28T17:00:00.000Z');
    await passAt('2026-03-28T17:00:00Z');
    expect(await fires(tokyo)).toEqual([started('2026-03-28T17:00:00.000Z')]);
    expect(await fires(utc)).toEqual([]);
  });
});
