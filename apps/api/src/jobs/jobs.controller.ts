import { Body, Controller, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Account, Job } from '@app/database';
import { Requires } from '../common/access';
import { Reads, Removes } from '../common/route-decorators';
import { link } from '../common/links';
import { checkSameAsPath } from '../common/round-trip';
import { CurrentPrincipal, Principal, TargetAccount } from '../common/principal';
import { ExecutionsService } from '../executions/executions.service';
import { DeleteJobQuery, ImmediateQuery, JobListQuery, JobRequest, JobResponse } from './job.dto';
import { JobListPages } from './job-list-pages';
import { shapeJob } from './job.shape';
import { JobsService } from './jobs.service';

@ApiTags('jobs')
@Controller('v2/automation/jobs')
export class JobsController {
  constructor(
    private readonly service: JobsService,
    private readonly executions: ExecutionsService,
    private readonly pages: JobListPages,
  ) {}

  /** Stores a job. Secrets in it (keys, repository credentials) are kept encrypted and never returned. */
  @Requires('manage')
  @Post(':alias')
  async create(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Body() body: JobRequest,
    @Query() query: ImmediateQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<JobResponse> {
    const job = await this.service.create(account, body);
    response.status(201).location(`/v2/automation/jobs/${account.alias}/${job.id}`);
    return this.withImmediateRun(job, account, principal, query);
  }

  /**
   * Jobs of the account, newest first: `{totalSize, page, size, results}` with results shaped as
   * GET of one job. Sent with an ETag (a request with a matching If-None-Match is answered 304),
   * gzipped when the client accepts it. `?search=` and `?lastStatus=` narrow it (JobListQuery).
   */
  @Reads(':alias')
  async list(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Query() query: JobListQuery,
    @Res() response: Response,
  ): Promise<void> {
    const page = await this.pages.render(account, principal, query.page, query.size, { search: query.search, lastStatus: query.lastStatus });
    const gzip = response.req.acceptsEncodings('gzip', 'identity') === 'gzip';
    response.setHeader('Content-Type', 'application/json; charset=utf-8');
    response.setHeader('ETag', page.etag);
    response.setHeader('Cache-Control', 'private, no-cache');
    response.setHeader('Vary', 'Accept-Encoding');
    if (gzip) response.setHeader('Content-Encoding', 'gzip');
    response.send(gzip ? this.pages.gzipped(page) : page.body);
  }

  @Reads(':alias/:jobId')
  async get(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Param('jobId') jobId: string,
  ): Promise<JobResponse> {
    return shapeJob(await this.service.get(account, jobId), account, principal);
  }

  /**
   * Replaces the definition. Secrets left out are kept; `null` removes one. What GET returned may be
   * sent back whole: its read-only fields are ignored, and an `id` must be this job's.
   */
  @Requires('manage')
  @Put(':alias/:jobId')
  async update(
    @TargetAccount() account: Account,
    @CurrentPrincipal() principal: Principal,
    @Param('jobId') jobId: string,
    @Body() body: JobRequest,
    @Query() query: ImmediateQuery,
  ): Promise<JobResponse> {
    checkSameAsPath({ id: [body.id, jobId] });
    return this.withImmediateRun(await this.service.update(account, jobId, body), account, principal, query);
  }

  @Removes(':alias/:jobId')
  @HttpCode(204)
  delete(@TargetAccount() account: Account, @Param('jobId') jobId: string, @Query() query: DeleteJobQuery): Promise<void> {
    return this.service.delete(account, jobId, query.force === 'true');
  }

  /** `?immediate=true`: start it too, if the caller may operate, and link the execution. */
  private async withImmediateRun(job: Job, account: Account, principal: Principal, query: ImmediateQuery): Promise<JobResponse> {
    const shaped = shapeJob(job, account, principal);
    if (query.immediate === 'true') {
      const execution = await this.executions.start(job, principal.user);
      shaped.links.push(
        link('execution', `/v2/automation/jobs/${account.alias}/${job.id}/executions/${execution.id}`, { id: execution.id }),
      );
    }
    return shaped;
  }
}
