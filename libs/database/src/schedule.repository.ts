import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Schedule } from './entities/schedule.entity';
import { OWNED_SQL, QUEUED_SQL } from './status-sql';

export interface ServiceAccount {
  accountId: string;
  alias: string;
  username: string;
  sealedPassword: string;
  createdAt: Date;
}

/** The columns as the entity names them, for the two reads that stay SQL (a join, a row lock). */
const SCHEDULE = `id, job_id AS "jobId", account_id AS "accountId", description, service_account_alias AS "serviceAccountAlias",
  trigger_type AS "triggerType", expression, time_zone AS "timeZone", enabled, overlap, catch_up AS "catchUp", next_run_at AS "nextRunAt",
  created_at AS "createdAt", updated_at AS "updatedAt"`;
/** SCHEDULE with every column qualified by the table alias `s`, for joins. */
const SCHEDULE_OF_S = SCHEDULE.replace(/(^|,\s*)(\w+)/g, '$1s.$2');
const SERVICE_ACCOUNT = `account_id AS "accountId", alias, username, sealed_password AS "sealedPassword", created_at AS "createdAt"`;

const rowsOf = <T>(result: unknown): T[] => ((Array.isArray((result as unknown[])[0]) ? (result as unknown[])[0] : result) as T[]);

@Injectable()
export class ScheduleRepository {
  private readonly rows: Repository<Schedule>;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(Schedule);
  }

  // ---- service accounts ----

  async saveServiceAccount(sa: ServiceAccount, replace: boolean): Promise<boolean> {
    const rows = await this.dataSource.query(
      `INSERT INTO service_accounts (account_id, alias, username, sealed_password, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
       ON CONFLICT (account_id, alias) DO ${replace ? 'UPDATE SET username = $3, sealed_password = $4, updated_at = now()' : 'NOTHING'} RETURNING alias`,
      [sa.accountId, sa.alias, sa.username, sa.sealedPassword, sa.createdAt],
    );
    return rows.length > 0;
  }

  async serviceAccount(accountId: string, alias: string): Promise<ServiceAccount | null> {
    const [row] = await this.dataSource.query(`SELECT ${SERVICE_ACCOUNT} FROM service_accounts WHERE account_id = $1 AND alias = $2`, [accountId, alias]);
    return row ?? null;
  }

  serviceAccounts(accountId: string): Promise<ServiceAccount[]> {
    return this.dataSource.query(`SELECT ${SERVICE_ACCOUNT} FROM service_accounts WHERE account_id = $1 ORDER BY created_at DESC, alias`, [accountId]);
  }

  async deleteServiceAccount(accountId: string, alias: string): Promise<boolean> {
    return rowsOf(await this.dataSource.query(`DELETE FROM service_accounts WHERE account_id = $1 AND alias = $2 RETURNING alias`, [accountId, alias])).length > 0;
  }

  // ---- schedules ----

  async insert(s: Schedule): Promise<void> {
    await this.rows.insert(s);
  }

  async update(s: Schedule): Promise<void> {
    const { id, jobId: _job, accountId: _account, createdAt: _created, ...changes } = s;
    await this.rows.update({ id }, changes);
  }

  find(jobId: string, id: string): Promise<Schedule | null> {
    return this.rows.findOneBy({ jobId, id });
  }

  async page(jobId: string, page: number, size: number): Promise<[Schedule[], number]> {
    return this.rows.findAndCount({ where: { jobId }, order: { createdAt: 'DESC', id: 'ASC' }, take: size, skip: page * size });
  }

  /**
   * Every schedule of one account (not its sub-accounts), with its job's description: enabled ones
   * first, soonest fire time first. One query, for the console's overview (no request per job).
   */
  async pageOfAccount(accountId: string, page: number, size: number): Promise<[(Schedule & { jobDescription: string })[], number]> {
    const [rows, [{ n }]] = await Promise.all([
      this.dataSource.query(
        `SELECT ${SCHEDULE_OF_S}, j.description AS "jobDescription" FROM schedules s JOIN jobs j ON j.id = s.job_id
          WHERE s.account_id = $1 ORDER BY s.enabled DESC, s.next_run_at ASC NULLS LAST, s.created_at DESC, s.id LIMIT $2 OFFSET $3`,
        [accountId, size, page * size],
      ),
      this.dataSource.query(`SELECT count(*)::int AS n FROM schedules WHERE account_id = $1`, [accountId]),
    ]);
    return [rows, n];
  }

  async delete(jobId: string, id: string): Promise<boolean> {
    return !!(await this.rows.delete({ jobId, id })).affected;
  }

  /**
   * Handles due schedules one at a time, each in its own transaction with its row locked
   * (SKIP LOCKED: workers share the work). `fire` decides and does what the fire time needs, with
   * the same transaction, and returns the schedule's next run time.
   */
  async withDue(now: Date, fire: (em: EntityManager, schedule: Schedule) => Promise<Date | null>): Promise<number> {
    // A schedule is looked at once per pass, even when it stays due (overlap "queue" waits).
    const seen: string[] = [];
    for (;;) {
      const done = await this.dataSource.transaction(async (em) => {
        const [schedule] = await em.query(
          `SELECT ${SCHEDULE} FROM schedules WHERE enabled AND next_run_at <= $1 AND NOT (id = ANY($2::uuid[]))
            ORDER BY next_run_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [now, seen],
        );
        if (!schedule) return false;
        seen.push(schedule.id);
        const next = await fire(em, schedule);
        await em.query(`UPDATE schedules SET next_run_at = $2, updated_at = now() WHERE id = $1`, [schedule.id, next]);
        return true;
      });
      if (!done) return seen.length;
    }
  }

  /** Claims one fire time; false when another worker already did (the primary key decides). */
  async claimFire(em: EntityManager, scheduleId: string, fireTime: Date, outcome: string, executionId: string | null): Promise<boolean> {
    const rows = await em.query(
      `INSERT INTO schedule_fires (schedule_id, fire_time, execution_id, outcome) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING fire_time`,
      [scheduleId, fireTime, executionId, outcome],
    );
    return rows.length > 0;
  }

  /**
   * Whether a run this schedule started is still queued or owned: among its account's waiting runs
   * (executions_queue_idx) and owned ones (executions_owned_idx), never its history.
   */
  async hasActiveRun(em: EntityManager, schedule: { id: string; accountId: string }): Promise<boolean> {
    const [row] = await em.query(
      `SELECT 1 FROM executions WHERE account_id = $2 AND status IN ${QUEUED_SQL} AND schedule_id = $1
       UNION ALL
       SELECT 1 FROM executions WHERE account_id = $2 AND status IN ${OWNED_SQL} AND schedule_id = $1 LIMIT 1`,
      [schedule.id, schedule.accountId],
    );
    return !!row;
  }

  static newId(): string {
    return randomUUID();
  }
}
