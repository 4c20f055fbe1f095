import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { Account, StatusRecordRepository } from '@app/database';
import { StatusRecordDocument, toRecordDocument } from '@app/realtime';
import { Requires } from '../common/access';
import { Paged, paged } from '../common/paged';
import { PageQuery } from '../common/paging';
import { TargetAccount } from '../common/principal';
import { ExecutionsService } from '../executions/executions.service';
import { JobsService } from '../jobs/jobs.service';

export class RecordQuery extends PageQuery {
  /** Only records with a larger counter (resume after the last one you saw). */
  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  afterCounter: number = 0;
}

@ApiTags('status')
@Controller('v2/automation/status')
export class StatusController {
  constructor(
    private readonly jobs: JobsService,
    private readonly executions: ExecutionsService,
    private readonly records: StatusRecordRepository,
  ) {}

  /** Records of every execution of a job, by execution then counter. */
  @Requires('read')
  @Get(':alias/job/:jobId')
  async forJob(@TargetAccount() account: Account, @Param('jobId') jobId: string, @Query() query: PageQuery): Promise<Paged<StatusRecordDocument>> {
    const job = await this.jobs.get(account, jobId);
    const [rows, total] = await this.records.pageForJob(job.id, query.page, query.size);
    return paged(query, rows.map((r) => toRecordDocument(r, account.alias)), total);
  }

  /** Records of one execution in counter order (1, 2, 3… without gaps), after `afterCounter`. */
  @Requires('read')
  @Get(':alias/job/:jobId/execution/:executionId')
  async forExecution(
    @TargetAccount() account: Account,
    @Param('jobId') jobId: string,
    @Param('executionId') executionId: string,
    @Query() query: RecordQuery,
  ): Promise<Paged<StatusRecordDocument>> {
    const execution = await this.executions.get(await this.jobs.get(account, jobId), executionId);
    const [rows, total] = await this.records.pageForExecution(execution.id, query.afterCounter, query.page, query.size);
    return paged(query, rows.map((r) => toRecordDocument(r, account.alias)), total);
  }
}
