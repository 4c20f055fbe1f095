import { Injectable } from '@nestjs/common';
import { Account, Job, Schedule, ScheduleRepository, ServiceAccount, UserRepository } from '@app/database';
import { accountPathCovers, Clock, conflict, DEFAULT_TIME_ZONE, fireTimes, invalid, notFound, timeZoneProblem, triggerProblem } from '@app/domain';
import { sealed, SecretBox } from '@app/keys';
import { isUuid } from '../common/ids';
import { ScheduleRequest, ServiceAccountRequest, ServiceAccountUpdate } from './schedule.dto';

@Injectable()
export class SchedulesService {
  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly users: UserRepository,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  // ---- service accounts ----

  async createServiceAccount(account: Account, request: ServiceAccountRequest): Promise<ServiceAccount> {
    const sa = await this.serviceAccountOf(account, request.alias, request.username, request.password);
    if (!(await this.schedules.saveServiceAccount(sa, false))) throw conflict(`Service account ${request.alias} already exists`);
    return sa;
  }

  /** A password left out keeps the stored one (secrets are write-only; README "Round trips"). */
  async updateServiceAccount(account: Account, alias: string, request: ServiceAccountUpdate): Promise<ServiceAccount> {
    const current = await this.serviceAccount(account, alias);
    const sa = await this.serviceAccountOf(account, alias, request.username, request.password, current);
    await this.schedules.saveServiceAccount(sa, true);
    return sa;
  }

  async serviceAccount(account: Account, alias: string): Promise<ServiceAccount> {
    const sa = await this.schedules.serviceAccount(account.id, alias);
    if (!sa) throw notFound(`Service account ${alias}`);
    return sa;
  }

  serviceAccounts(account: Account): Promise<ServiceAccount[]> {
    return this.schedules.serviceAccounts(account.id);
  }

  async deleteServiceAccount(account: Account, alias: string): Promise<void> {
    if (!(await this.schedules.deleteServiceAccount(account.id, alias))) throw notFound(`Service account ${alias}`);
  }

  /**
   * The user must be one of this account or its sub-accounts (the same answer for a user elsewhere
   * and for none, so usernames of other tenants cannot be probed); whether the password works is
   * checked at every fire time.
   */
  private async serviceAccountOf(account: Account, alias: string, username: string, password: string | undefined, current?: ServiceAccount): Promise<ServiceAccount> {
    const user = await this.users.findByUsername(username);
    if (!user?.account || !accountPathCovers(account.path, user.account.path)) {
      throw invalid('username', `no user ${username} in ${account.alias} or its sub-accounts`);
    }
    const sealedPassword = password !== undefined ? this.box.seal(password, sealed.serviceAccount(account.id, alias)) : current?.sealedPassword;
    if (sealedPassword === undefined) throw invalid('password', 'is required');
    return { accountId: account.id, alias, username, sealedPassword, createdAt: current?.createdAt ?? this.clock.now() };
  }

  // ---- schedules ----

  async create(account: Account, job: Job, request: ScheduleRequest): Promise<Schedule> {
    const now = this.clock.now();
    const schedule: Schedule = {
      id: ScheduleRepository.newId(),
      jobId: job.id,
      accountId: account.id,
      createdAt: now,
      updatedAt: now,
      ...(await this.checked(account, request)),
    };
    await this.schedules.insert(schedule);
    return schedule;
  }

  async update(account: Account, job: Job, id: string, request: ScheduleRequest): Promise<Schedule> {
    const schedule = { ...(await this.get(job, id)), ...(await this.checked(account, request)), updatedAt: this.clock.now() };
    await this.schedules.update(schedule);
    return schedule;
  }

  async get(job: Job, id: string): Promise<Schedule> {
    const schedule = isUuid(id) ? await this.schedules.find(job.id, id) : null;
    if (!schedule) throw notFound(`Schedule ${id}`);
    return schedule;
  }

  page(job: Job, page: number, size: number): Promise<[Schedule[], number]> {
    return this.schedules.page(job.id, page, size);
  }

  /** Every schedule of the account, with its job's description (the console's overview). */
  pageOfAccount(account: Account, page: number, size: number): Promise<[(Schedule & { jobDescription: string })[], number]> {
    return this.schedules.pageOfAccount(account.id, page, size);
  }

  async delete(job: Job, id: string): Promise<void> {
    if (!isUuid(id) || !(await this.schedules.delete(job.id, id))) throw notFound(`Schedule ${id}`);
  }

  private async checked(account: Account, request: ScheduleRequest): Promise<Omit<Schedule, 'id' | 'jobId' | 'accountId' | 'createdAt' | 'updatedAt'>> {
    const { type, expression } = request.trigger;
    const timeZone = request.timeZone ?? DEFAULT_TIME_ZONE;
    const now = this.clock.now();
    const problem = triggerProblem(type, expression, now);
    if (problem) throw invalid('trigger.expression', problem);
    const zoneProblem = timeZoneProblem(timeZone);
    if (zoneProblem) throw invalid('timeZone', zoneProblem);
    const nextRunAt = fireTimes({ type, expression, timeZone })(now);
    if (!(await this.schedules.serviceAccount(account.id, request.serviceAccountAlias))) {
      throw invalid('serviceAccountAlias', `no service account ${request.serviceAccountAlias} in ${account.alias}`);
    }
    const enabled = request.enabled ?? true;
    return {
      description: request.description ?? '',
      serviceAccountAlias: request.serviceAccountAlias,
      triggerType: type,
      expression,
      timeZone,
      enabled,
      overlap: request.overlap ?? 'allow',
      catchUp: request.catchUp ?? 'one',
      nextRunAt,
    };
  }
}
