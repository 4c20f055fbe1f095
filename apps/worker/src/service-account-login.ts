import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, RunnerConfig } from '@app/config';
import { JobRepository, LoginFailureRepository, Schedule, ScheduleRepository, UserRepository } from '@app/database';
import { accountPathCovers, Clock, rolesAllow } from '@app/domain';
import { sealed, SecretBox, verifyPassword } from '@app/keys';

/**
 * A scheduled run acts as its service account's user, checked at fire time as a login: the user
 * must exist in the schedule's account or below, the sealed password must still work (counted by
 * the login rate limit), and the user must be allowed to start runs of the job.
 */
@Injectable()
export class ServiceAccountLogin {
  constructor(
    @Inject(CONFIG) private readonly config: RunnerConfig,
    private readonly failures: LoginFailureRepository,
    private readonly schedules: ScheduleRepository,
    private readonly jobs: JobRepository,
    private readonly users: UserRepository,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  /** Why the service account may not start this run (sets createdBy when it may), or null. */
  async refusal(schedule: Schedule, execution: { createdBy: string | null }): Promise<string | null> {
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
    const windowStart = new Date(this.clock.now().getTime() - this.config.loginWindowSeconds * 1000);
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
