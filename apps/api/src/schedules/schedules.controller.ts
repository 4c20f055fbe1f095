import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Account, Schedule, ServiceAccount } from '@app/database';
import { Requires } from '../common/access';
import { link } from '../common/links';
import { Paged, paged } from '../common/paged';
import { PageQuery } from '../common/paging';
import { checkSameAsPath } from '../common/round-trip';
import { TargetAccount } from '../common/principal';
import { JobsService } from '../jobs/jobs.service';
import { AccountScheduleResponse, ScheduleRequest, ScheduleResponse, ServiceAccountRequest, ServiceAccountResponse, ServiceAccountUpdate } from './schedule.dto';
import { SchedulesService } from './schedules.service';

@ApiTags('schedules')
@Controller()
export class SchedulesController {
  constructor(
    private readonly service: SchedulesService,
    private readonly jobs: JobsService,
  ) {}

  /** A service account: the user (and password, kept encrypted) scheduled runs act as. */
  @Requires('administer')
  @Post('v2/automation/serviceAccounts/:alias')
  async createServiceAccount(@TargetAccount() account: Account, @Body() body: ServiceAccountRequest, @Res({ passthrough: true }) response: Response): Promise<ServiceAccountResponse> {
    const sa = await this.service.createServiceAccount(account, body);
    response.status(201).location(`/v2/automation/serviceAccounts/${account.alias}/${sa.alias}`);
    return shapeServiceAccount(sa, account);
  }

  @Requires('read')
  @Get('v2/automation/serviceAccounts/:alias')
  async serviceAccounts(@TargetAccount() account: Account): Promise<ServiceAccountResponse[]> {
    return (await this.service.serviceAccounts(account)).map((sa) => shapeServiceAccount(sa, account));
  }

  @Requires('read')
  @Get('v2/automation/serviceAccounts/:alias/:serviceAccountAlias')
  async serviceAccount(@TargetAccount() account: Account, @Param('serviceAccountAlias') alias: string): Promise<ServiceAccountResponse> {
    return shapeServiceAccount(await this.service.serviceAccount(account, alias), account);
  }

  @Requires('administer')
  @Put('v2/automation/serviceAccounts/:alias/:serviceAccountAlias')
  async updateServiceAccount(@TargetAccount() account: Account, @Param('serviceAccountAlias') alias: string, @Body() body: ServiceAccountUpdate): Promise<ServiceAccountResponse> {
    checkSameAsPath({ alias: [body.alias, alias] });
    return shapeServiceAccount(await this.service.updateServiceAccount(account, alias, body), account);
  }

  @Requires('administer')
  @Delete('v2/automation/serviceAccounts/:alias/:serviceAccountAlias')
  @HttpCode(204)
  deleteServiceAccount(@TargetAccount() account: Account, @Param('serviceAccountAlias') alias: string): Promise<void> {
    return this.service.deleteServiceAccount(account, alias);
  }

  /**
   * A cron (five fields, in the schedule's `timeZone`, default UTC) or one-time date trigger; each
   * fire time starts exactly one execution.
   */
  @Requires('manage')
  @Post('v2/automation/jobs/:alias/:jobId/schedules')
  async create(@TargetAccount() account: Account, @Param('jobId') jobId: string, @Body() body: ScheduleRequest, @Res({ passthrough: true }) response: Response): Promise<ScheduleResponse> {
    // A copy of another schedule of this job may come with its ids: they are ignored, a new one is made.
    checkSameAsPath({ jobId: [body.jobId, jobId] });
    const schedule = await this.service.create(account, await this.jobs.get(account, jobId), body);
    response.status(201).location(`/v2/automation/jobs/${account.alias}/${jobId}/schedules/${schedule.id}`);
    return shapeSchedule(schedule, account);
  }

  @Requires('read')
  @Get('v2/automation/jobs/:alias/:jobId/schedules')
  async list(@TargetAccount() account: Account, @Param('jobId') jobId: string, @Query() query: PageQuery): Promise<Paged<ScheduleResponse>> {
    const [rows, total] = await this.service.page(await this.jobs.get(account, jobId), query.page, query.size);
    return paged(query, rows.map((s) => shapeSchedule(s, account)), total);
  }

  /**
   * Every schedule of the account (not of its sub-accounts), with its job's description: enabled
   * ones first, soonest next fire time first. Saves a client one request per job.
   */
  @Requires('read')
  @Get('v2/automation/schedules/:alias')
  async accountList(@TargetAccount() account: Account, @Query() query: PageQuery): Promise<Paged<AccountScheduleResponse>> {
    const [rows, total] = await this.service.pageOfAccount(account, query.page, query.size);
    return paged(query, rows.map((s) => ({ ...shapeSchedule(s, account), jobDescription: s.jobDescription })), total);
  }

  @Requires('read')
  @Get('v2/automation/jobs/:alias/:jobId/schedules/:scheduleId')
  async get(@TargetAccount() account: Account, @Param('jobId') jobId: string, @Param('scheduleId') id: string): Promise<ScheduleResponse> {
    return shapeSchedule(await this.service.get(await this.jobs.get(account, jobId), id), account);
  }

  @Requires('manage')
  @Put('v2/automation/jobs/:alias/:jobId/schedules/:scheduleId')
  async update(@TargetAccount() account: Account, @Param('jobId') jobId: string, @Param('scheduleId') id: string, @Body() body: ScheduleRequest): Promise<ScheduleResponse> {
    checkSameAsPath({ id: [body.id, id], scheduleId: [body.scheduleId, id], jobId: [body.jobId, jobId] });
    return shapeSchedule(await this.service.update(account, await this.jobs.get(account, jobId), id, body), account);
  }

  @Requires('manage')
  @Delete('v2/automation/jobs/:alias/:jobId/schedules/:scheduleId')
  @HttpCode(204)
  async delete(@TargetAccount() account: Account, @Param('jobId') jobId: string, @Param('scheduleId') id: string): Promise<void> {
    await this.service.delete(await this.jobs.get(account, jobId), id);
  }
}

function shapeServiceAccount(sa: ServiceAccount, account: Account): ServiceAccountResponse {
  return {
    alias: sa.alias,
    username: sa.username,
    createdTime: new Date(sa.createdAt).getTime(),
    links: [link('self', `/v2/automation/serviceAccounts/${account.alias}/${sa.alias}`)],
  };
}

function shapeSchedule(s: Schedule, account: Account): ScheduleResponse {
  const self = `/v2/automation/jobs/${account.alias}/${s.jobId}/schedules/${s.id}`;
  return {
    id: s.id,
    scheduleId: s.id,
    jobId: s.jobId,
    accountAlias: account.alias,
    description: s.description,
    serviceAccountAlias: s.serviceAccountAlias,
    trigger: { type: s.triggerType, expression: s.expression },
    timeZone: s.timeZone,
    enabled: s.enabled,
    overlap: s.overlap,
    catchUp: s.catchUp,
    nextRunTime: s.nextRunAt ? new Date(s.nextRunAt).getTime() : null,
    links: [link('self', self), link('job', `/v2/automation/jobs/${account.alias}/${s.jobId}`, { id: s.jobId })],
  };
}
