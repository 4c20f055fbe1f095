import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import { ExecutionWriter, JobRepository, LoginFailureRepository, newExecution, Schedule, ScheduleRepository, UserRepository } from '@app/database';
import { accountPathCovers, Clock, nextFireTime, rolesAllow } from '@app/domain';
import { sealed, SecretBox, verifyPassword } from '@app/keys';
import { Periodic } from './periodic';

/** A fire time later than this is "missed" (no worker ran then): the catch-up policy decides. */
const MISSED_AFTER_MS = 60_000;

/**
 * Fires due schedules. Any number of workers run this; the schedule row lock spreads the work and
 * the schedule_fires primary key makes each fire time start exactly one execution. The scheduled
 * run acts as the service account's user, checked at fire time: a login that fails, or a user who
 * may not start runs of that job, gives an execution that ends INIT_FAILURE with the reason.
 */
@Injectable()
export class Scheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly periodic: Periodic;

  constructor(
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(CONFIG) private readonly config: RunnerConfig,
    private readonly failures: LoginFailureRepository,
    private readonly schedules: ScheduleRepository,
    private readonly executions: ExecutionWriter,
    private readonly jobs: JobRepository,
    private readonly users: UserRepository,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {
    this.periodic = new Periodic('scheduler', logger, () => this.schedules.withDue(this.now(), (em, schedule) => this.fire(em, schedule)));
  }

  /** Started and stopped by Nest with the worker (the pool drains runs meanwhile). */
  onApplicationBootstrap(): void {
    this.periodic.start(1000);
  }

  beforeApplicationShutdown(): void {
    this.periodic.stop();
  }

  private now(): Date {
    return this.clock.now();
  }

  /** Handles one due schedule; returns its next run time (null: never again). */
  private async fire(em: EntityManager, schedule: Schedule): Promise<Date | null> {
    const now = this.now();
    const due = new Date(schedule.nextRunAt!);
    const missed = now.getTime() - due.getTime() > MISSED_AFTER_MS;
    const after = (t: Date): Date | null => nextFireTime(schedule.triggerType, schedule.expression, t);
    if (missed && schedule.catchUp === 'none') {
      await this.schedules.claimFire(em, schedule.id, due, 'missed', null);
      return after(now);
    }
    // Catch up once: the latest fire time that was missed stands for all of them.
    let fireTime = due;
    if (missed) for (let t = after(due); t && t <= now; t = after(t)) fireTime = t;
    const active = schedule.overlap !== 'allow' && (await this.schedules.hasActiveRun(em, schedule.id));
    if (active && schedule.overlap === 'queue') return due; // fire when the previous run has ended
    if (active) {
      await this.schedules.claimFire(em, schedule.id, fireTime, 'skipped: the previous run is still active', null);
      return after(fireTime > now ? fireTime : now);
    }
    // A fire queues a run as a start does (RUNNER_ACCOUNT_MAX_QUEUED): many schedules that allow
    // overlap must not fill the queue past the limit a start gets 429 at.
    const limit = this.config.accountMaxQueued;
    if (limit > 0 && (await this.executions.countQueued(schedule.accountId)) >= limit) {
      await this.schedules.claimFire(em, schedule.id, fireTime, `skipped: this account has ${limit} runs queued (RUNNER_ACCOUNT_MAX_QUEUED)`, null);
      return after(fireTime > now ? fireTime : now);
    }
    const execution = newExecution({ jobId: schedule.jobId, accountId: schedule.accountId, createdBy: null, scheduleId: schedule.id });
    const refusal = await this.refusal(schedule, execution);
    if (!(await this.schedules.claimFire(em, schedule.id, fireTime, refusal ? 'refused' : 'started', execution.id))) return after(fireTime);
    await this.executions.enqueue(execution, em);
    if (refusal) await this.executions.change(execution.id, undefined, () => ({ status: 'INIT_FAILURE', set: { reason: refusal } }), em);
    this.logger.write('info', 'schedule fired', { scheduleId: schedule.id, executionId: execution.id, fireTime: fireTime.toISOString() });
    return after(fireTime > now ? fireTime : now);
  }

  /** Why the service account may not start this run (sets createdBy when it may), or null. */
  private async refusal(schedule: Schedule, execution: { createdBy: string | null }): Promise<string | null> {
    const sa = await this.schedules.serviceAccount(schedule.accountId, schedule.serviceAccountAlias);
    if (!sa) return `service account ${schedule.serviceAccountAlias} no longer exists`;
    const user = await this.users.findByUsername(sa.username);
    const job = await this.jobs.findById(schedule.jobId);
    // Only a user of the service account's own account or below, with the same answer as a wrong
    // password for one elsewhere (a row from before the api checked this included).
    const ownPath = (await this.users.accountPathOf(schedule.accountId)) ?? '';
    const inReach = !!user?.account && accountPathCovers(ownPath, user.account.path);
    // A fire is a login: counted by the same rate limit (from the address "service account"), so a
    // service account cannot be used to guess a password at one try per fire time.
    const cannotLogIn = `service account ${sa.alias} cannot log in as ${sa.username}: the username or password is not valid`;
    const windowStart = new Date(this.now().getTime() - this.config.loginWindowSeconds * 1000);
    const attempt = await this.failures.reserve(sa.username, 'service account', windowStart, {
      perUserAddress: this.config.loginMaxFailures,
      perAddress: Number.MAX_SAFE_INTEGER,
    });
    if (!attempt.allowed) return `${cannotLogIn} (too many failed attempts; try again later)`;
    if (!user?.account || !inReach || !(await verifyPassword(this.box.open(sa.sealedPassword, sealed.serviceAccount(sa.accountId, sa.alias)), user.passwordHash))) return cannotLogIn;
    await this.failures.forget(attempt.id);
    if (!job || !rolesAllow(user.roles, 'operate')) return `service account ${sa.alias} (${sa.username}) may not start executions`;
    const accountPath = (await this.users.accountPathOf(job.accountId)) ?? '';
    if (!accountPathCovers(user.account.path, accountPath)) return `service account ${sa.alias} (${sa.username}) may not act on this job's account`;
    execution.createdBy = user.id;
    return null;
  }
}
