import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Account, Job } from '@app/database';
import { rolesAllow } from '@app/domain';
import { Requires } from '../common/access';
import { Link, link } from '../common/links';
import { Paged, paged, PageQuery } from '../common/paging';
import { CurrentPrincipal, Principal, TargetAccount } from '../common/principal';
import { JobRequest, JobResponse } from './job.dto';
import { JobsService } from './jobs.service';

@ApiTags('jobs')
@Controller('v2/automation/jobs')
export class JobsController {
  constructor(private readonly service: JobsService) {}

  /** Stores a job. Secrets in it (keys, repository credentials) are kept encrypted and never returned. */
  @Requires('manage')
  @Post(':alias')
  async create(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Body() body: JobRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<JobResponse> {
    const job = await this.service.create(account, body);
    response.status(201).location(`/v2/automation/jobs/${account.alias}/${job.id}`);
    return shapeJob(job, account, principal);
  }

  /** Jobs of the account, newest first. */
  @Requires('read')
  @Get(':alias')
  async list(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Query() query: PageQuery,
  ): Promise<Paged<JobResponse>> {
    const [jobs, total] = await this.service.page(account, query.page, query.size);
    return paged(query, jobs.map((job) => shapeJob(job, account, principal)), total);
  }

  @Requires('read')
  @Get(':alias/:jobId')
  async get(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Param('jobId') jobId: string,
  ): Promise<JobResponse> {
    return shapeJob(await this.service.get(account, jobId), account, principal);
  }

  /** Replaces the definition. Secrets left out are kept; `null` removes one. */
  @Requires('manage')
  @Put(':alias/:jobId')
  async update(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Param('jobId') jobId: string,
    @Body() body: JobRequest,
  ): Promise<JobResponse> {
    return shapeJob(await this.service.update(account, jobId, body), account, principal);
  }

  @Requires('manage')
  @Delete(':alias/:jobId')
  @HttpCode(204)
  delete(@TargetAccount() account: Account, @Param('jobId') jobId: string): Promise<void> {
    return this.service.delete(account, jobId);
  }
}

/** The API shape of a job: the stored definition (secret-free by construction), times, links. */
export function shapeJob(job: Job, account: Account, principal: Principal): JobResponse {
  const self = `/v2/automation/jobs/${account.alias}/${job.id}`;
  const links: Link[] = [
    link('self', self, rolesAllow(principal.user.roles, 'manage') ? { verbs: ['GET', 'PUT', 'DELETE'] } : {}),
    link('account', `/v2/accounts/${account.alias}`, { id: account.alias }),
  ];
  return {
    id: job.id,
    accountAlias: account.alias,
    description: job.description,
    status: job.status,
    ...job.definition,
    createdTime: job.createdAt.getTime(),
    lastUpdatedTime: job.updatedAt.getTime(),
    links,
  };
}
