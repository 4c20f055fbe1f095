import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CONFIG, JsonLogger, RunnerConfig } from '@app/config';
import { ExecutionWriter, newExecution, Schedule, ScheduleRepository } from '@app/database';
import { Clock, fireTimes } from '@app/domain';
import { Periodic } from './periodic';
import { ServiceAccountLogin } from './service-account-login';

/** A fire time later than this is "missed" (no worker ran then): the catch-up policy decides. */
const MISSED_AFTER_MS = 60_000;

/**
 * Fires due schedules. Any number of workers run this; the schedule row lock spreads the work and
 * the schedule_fires primary key makes each fire time start exactly one execution. The scheduled
 * run acts as the service account's user, checked at fire time (ServiceAccountLogin): a login that
 * fails, or a user who may not start runs of that job, gives an execution that ends INIT_FAILURE
 * with the reason. Fire times are those of the schedule's cron in its time zone, from the
 * injected Clock's now.
 */
@Injectable()
export class Scheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly periodic: Periodic;

  constructor(
    @Inject(JsonLogger) private readonly logger: JsonLogger,
    @Inject(CONFIG) private readonly config: RunnerConfig,
    private readonly schedules: ScheduleRepository,
    private readonly executions: ExecutionWriter,
    private readonly login: ServiceAccountLogin,
    private readonly clock: Clock,
  ) {
    this.periodic = new Periodic('scheduler', logger, () => this.pass());
  }

  /** One pass: fires every schedule due at the clock's now; resolves to how many it looked at. */
  pass(): Promise<number> {
    return this.schedules.withDue(this.now(), (em, schedule) => this.fire(em, schedule));
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
    const after = fireTimes({ type: schedule.triggerType, expression: schedule.expression, timeZone: schedule.timeZone });
    if (missed && schedule.catchUp === 'none') {
      await this.schedules.claimFire(em, schedule.id, due, 'missed', null);
      return after(now);
    }
    // Catch up once: the latest fire time that was missed stands for all of them.
    let fireTime = due;
    if (missed) for (let t = after(due); t && t <= now; t = after(t)) fireTime = t;
    const active = schedule.overlap !== 'allow' && (await this.schedules.hasActiveRun(em, schedule));
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
    const execution = newExecution({ jobId: schedule.jobId, accountId: schedule.accountId, createdBy: null, scheduleId: schedule.id }, this.now());
    const refusal = await this.login.refusal(schedule, execution);
    if (!(await this.schedules.claimFire(em, schedule.id, fireTime, refusal ? 'refused' : 'started', execution.id))) return after(fireTime);
    await this.executions.enqueue(execution, em);
    if (refusal) await this.executions.change(execution.id, undefined, () => ({ status: 'INIT_FAILURE', set: { reason: refusal } }), em);
    this.logger.write('info', 'schedule fired', { scheduleId: schedule.id, executionId: execution.id, fireTime: fireTime.toISOString() });
    return after(fireTime > now ? fireTime : now);
  }
}
