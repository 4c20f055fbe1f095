import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { Account } from '@app/database';
import { Requires } from '../common/access';
import { Paged, paged } from '../common/paged';
import { CurrentPrincipal, Principal, TargetAccount } from '../common/principal';
import { JobsService } from '../jobs/jobs.service';
import { ExecutionListQuery, ExecutionResponse, RestartRequest, StartRequest, StdoutQuery, StopRequest } from './execution.dto';
import { shapeExecution } from './execution.shape';
import { ExecutionsService } from './executions.service';

@ApiTags('executions')
@Controller('v2/automation/jobs')
export class ExecutionsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly executions: ExecutionsService,
  ) {}

  /** Every execution of the account, newest first; `?status=` filters. */
  @Requires('read')
  @Get(':alias/executions')
  async listAccount(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Query() query: ExecutionListQuery,
  ): Promise<Paged<ExecutionResponse>> {
    const [rows, total] = await this.executions.page({ accountId: account.id, status: query.status }, query.page, query.size);
    return paged(query, rows.map((e) => shapeExecution(e, account, principal)), total);
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

  @Requires('read')
  @Get(':alias/:jobId/executions')
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

  @Requires('read')
  @Get(':alias/:jobId/executions/:executionId')
  async get(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Param('jobId') jobId: string,
    @Param('executionId') executionId: string,
  ): Promise<ExecutionResponse> {
    const job = await this.jobs.get(account, jobId);
    return shapeExecution(await this.executions.get(job, executionId), account, principal);
  }

  /**
   * Only from FAILURE (else 409): re-runs the failed hosts (or those of them `hosts` names), same id,
   * a new timer. Keys in the body (`sshPrivateKey`, `hosts[].sshPrivateKey`) apply from this attempt on.
   */
  @Requires('operate')
  @Post(':alias/:jobId/executions/:executionId/restart')
  @HttpCode(202)
  async restart(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Param('jobId') jobId: string,
    @Param('executionId') executionId: string,
    @Body() body: RestartRequest,
  ): Promise<ExecutionResponse> {
    const job = await this.jobs.get(account, jobId);
    return shapeExecution(await this.executions.restart(job, executionId, body), account, principal);
  }

  /**
   * Graceful stop: Ansible stops after the current task; killed after `expiryDuration` seconds. A
   * stop of a STOPPING run is accepted again (202, as the Runner answered), changing nothing.
   */
  @Requires('operate')
  @Post(':alias/:jobId/executions/:executionId/stop')
  @HttpCode(202)
  async stop(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Param('jobId') jobId: string,
    @Param('executionId') executionId: string,
    @Body() body: StopRequest,
  ): Promise<ExecutionResponse> {
    const job = await this.jobs.get(account, jobId);
    return shapeExecution(await this.executions.stop(job, executionId, body.expiryDuration), account, principal);
  }

  /** Kills the whole process group at once; a kill of a KILLING run is accepted again (202). */
  @Requires('operate')
  @Post(':alias/:jobId/executions/:executionId/kill')
  @HttpCode(202)
  async kill(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Param('jobId') jobId: string,
    @Param('executionId') executionId: string,
  ): Promise<ExecutionResponse> {
    const job = await this.jobs.get(account, jobId);
    return shapeExecution(await this.executions.kill(job, executionId), account, principal);
  }

  /** The transcript as ansible-playbook printed it (known secrets masked). */
  @Requires('read')
  @Get(':alias/:jobId/executions/:executionId/stdout')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiProduces('text/plain')
  async stdout(
    @TargetAccount() account: Account,
    @Param('jobId') jobId: string,
    @Param('executionId') executionId: string,
    @Query() query: StdoutQuery,
  ): Promise<string> {
    const job = await this.jobs.get(account, jobId);
    return this.executions.stdout(job, executionId, query.start_line, query.end_line);
  }
}
