import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { Account, AccountRepository, Execution, ExecutionListFilter, Job } from '@app/database';
import { invalid } from '@app/domain';
import { Requires } from '../common/access';
import { ExecutionAt, ExecutionTarget, OnExecution, Reads } from '../common/route-decorators';
import { Paged, paged } from '../common/paged';
import { CurrentPrincipal, Principal, TargetAccount } from '../common/principal';
import { JobsService } from '../jobs/jobs.service';
import { AccountExecutionListQuery, ExecutionListQuery, ExecutionResponse, RestartRequest, StartRequest, StdoutQuery, StopRequest } from './execution.dto';
import { shapeExecution } from './execution.shape';
import { ExecutionsService } from './executions.service';

@ApiTags('executions')
@Controller('v2/automation/jobs')
export class ExecutionsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly executions: ExecutionsService,
    private readonly accounts: AccountRepository,
  ) {}

  /**
   * Every execution of the account, newest first; `?status=`, `?jobId=`, `?from=` and `?to=` narrow
   * it. `?includeSubAccounts=true` adds the runs of every account below the alias: whoever may read
   * the alias reaches all of them (the guard checked the alias), except a run's own token, which acts
   * for its account alone.
   */
  @Reads(':alias/executions')
  async listAccount(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Query() query: AccountExecutionListQuery,
  ): Promise<Paged<ExecutionResponse>> {
    const filter = listFilter(query);
    if (query.includeSubAccounts !== 'true' || principal.runExecutionId) {
      const [rows, total] = await this.executions.page({ accountId: account.id, ...filter }, query.page, query.size);
      return paged(query, rows.map((e) => shapeExecution(e, account, principal)), total);
    }
    const [rows, total] = await this.executions.pageInTree(account.path, filter, query.page, query.size);
    const owners = new Map((await this.accounts.findByIds([...new Set(rows.map((e) => e.accountId))])).map((a) => [a.id, a]));
    return paged(query, rows.map((e) => shapeExecution(e, owners.get(e.accountId) ?? account, principal)), total);
  }

  /** Queues a run (202, `PENDING`); follow the `status` link or subscribe over socket.io. */
  @Requires('operate')
  @Post(':alias/:jobId/start')
  @HttpCode(202)
  async start(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Param('jobId') jobId: string,
    @Body() body: StartRequest,
  ): Promise<ExecutionResponse> {
    const job = await this.jobs.get(account, jobId);
    return shapeExecution(await this.executions.start(job, principal.user, body), account, principal);
  }

  @Reads(':alias/:jobId/executions')
  async listJob(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Param('jobId') jobId: string,
    @Query() query: ExecutionListQuery,
  ): Promise<Paged<ExecutionResponse>> {
    const job = await this.jobs.get(account, jobId);
    const [rows, total] = await this.executions.page({ jobId: job.id, status: query.status }, query.page, query.size);
    return paged(query, rows.map((e) => shapeExecution(e, account, principal)), total);
  }

  @OnExecution('read', Get)
  get(@ExecutionAt() at: ExecutionTarget): Promise<ExecutionResponse> {
    return this.shaped(at, (job) => this.executions.get(job, at.executionId));
  }

  /**
   * Only from FAILURE (else 409): re-runs the failed hosts (or those of them `hosts` names), same id,
   * a new timer. Keys in the body (`sshPrivateKey`, `hosts[].sshPrivateKey`) apply from this attempt on.
   */
  @OnExecution('operate', Post, '/restart')
  @HttpCode(202)
  restart(@ExecutionAt() at: ExecutionTarget, @Body() body: RestartRequest): Promise<ExecutionResponse> {
    return this.shaped(at, (job) => this.executions.restart(job, at.executionId, body));
  }

  /**
   * Graceful stop: Ansible stops after the current task; killed after `expiryDuration` seconds. A
   * stop of a STOPPING run is accepted again (202, as the Runner answered), changing nothing.
   */
  @OnExecution('operate', Post, '/stop')
  @HttpCode(202)
  stop(@ExecutionAt() at: ExecutionTarget, @Body() body: StopRequest): Promise<ExecutionResponse> {
    return this.shaped(at, (job) => this.executions.stop(job, at.executionId, body.expiryDuration));
  }

  /** Kills the whole process group at once; a kill of a KILLING run is accepted again (202). */
  @OnExecution('operate', Post, '/kill')
  @HttpCode(202)
  kill(@ExecutionAt() at: ExecutionTarget): Promise<ExecutionResponse> {
    return this.shaped(at, (job) => this.executions.kill(job, at.executionId));
  }

  /** The transcript as ansible-playbook printed it (known secrets masked). */
  @OnExecution('read', Get, '/stdout')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  async stdout(@ExecutionAt() at: ExecutionTarget, @Query() query: StdoutQuery): Promise<string> {
    const job = await this.jobs.get(at.account, at.jobId);
    return this.executions.stdout(job, at.executionId, query.start_line, query.end_line);
  }

  /** The execution `act` returns for the path's job (a 404 for another account's), as the caller sees it. */
  private async shaped(at: ExecutionTarget, act: (job: Job) => Promise<Execution>): Promise<ExecutionResponse> {
    const job = await this.jobs.get(at.account, at.jobId);
    return shapeExecution(await act(job), at.account, at.principal);
  }
}

/** The account list's filters as the repository takes them; a range that ends before it starts is a 400. */
function listFilter(query: AccountExecutionListQuery): ExecutionListFilter {
  const from = instant('from', query.from);
  const to = instant('to', query.to);
  if (from && to && to < from) throw invalid('to', `to (${query.to}) is before from (${query.from})`);
  return { status: query.status, jobId: query.jobId, from, to };
}

/** ISO 8601 also has week and ordinal dates (2026-W48-1, 2026-334), which Date does not read: a 400, not a query with NaN. */
function instant(field: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw invalid(field, `${field} must be a calendar date and time, e.g. 2026-11-30T03:00:00Z`);
  return date;
}
