import { Controller, Param, Query } from '@nestjs/common';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { Account, RecordNotification, StatusRecord, StatusRecordRepository, WebhookRepository } from '@app/database';
import { StatusRecordDocument, toRecordDocument } from '@app/realtime';
import { Reads } from '../common/route-decorators';
import { Paged, paged } from '../common/paged';
import { CountParameter, PageQuery } from '../common/paging';
import { TargetAccount } from '../common/principal';
import { ExecutionsService } from '../executions/executions.service';
import { HOST_ID, HOST_ID_RULE } from '../common/host-id';
import { JobsService } from '../jobs/jobs.service';

export class RecordQuery extends PageQuery {
  /** Only records with a larger counter (resume after the last one you saw). */
  @CountParameter({ minimum: 0, default: 0 })
  afterCounter: number = 0;

  /** Only the records of this host (a run's host record detail), still in counter order. */
  @ApiPropertyOptional({ description: "only this host's records, in counter order", example: 'web-1' })
  @IsOptional() @IsString() @Matches(HOST_ID, { message: HOST_ID_RULE }) host?: string;
}

/**
 * On the status API, a record also lists the webhook deliveries made for it, as the Runner's did:
 * `[{url, level, state: pending|delivered|failed}]`, in the order they were made. A record that no
 * callback wanted has none and no `notifications` field, so it reads exactly as socket.io and
 * webhooks sent it.
 */
export interface StatusRecordWithNotifications extends StatusRecordDocument {
  notifications?: RecordNotification[];
}

@ApiTags('status')
@Controller('v2/automation/status')
export class StatusController {
  constructor(
    private readonly jobs: JobsService,
    private readonly executions: ExecutionsService,
    private readonly records: StatusRecordRepository,
    private readonly webhooks: WebhookRepository,
  ) {}

  /** Records of every execution of a job, by execution then counter. */
  @Reads(':alias/job/:jobId')
  async forJob(@TargetAccount() account: Account, @Param('jobId') jobId: string, @Query() query: PageQuery): Promise<Paged<StatusRecordWithNotifications>> {
    const job = await this.jobs.get(account, jobId);
    const [rows, total] = await this.records.pageForJob(job.id, query.page, query.size);
    return paged(query, await this.documents(rows, account), total);
  }

  /** Records of one execution in counter order (1, 2, 3… without gaps), after `afterCounter`; `?host=` one host's only. */
  @Reads(':alias/job/:jobId/execution/:executionId')
  async forExecution(
    @TargetAccount() account: Account,
    @Param('jobId') jobId: string,
    @Param('executionId') executionId: string,
    @Query() query: RecordQuery,
  ): Promise<Paged<StatusRecordWithNotifications>> {
    const execution = await this.executions.get(await this.jobs.get(account, jobId), executionId);
    const [rows, total] = await this.records.pageForExecution(execution, query.afterCounter, query.page, query.size, query.host);
    return paged(query, await this.documents(rows, account), total);
  }

  /**
   * Records with their deliveries (one query a page). Only here: socket.io and webhooks send a
   * record as it is stored, before any delivery of it has an outcome.
   */
  private async documents(rows: StatusRecord[], account: Account): Promise<StatusRecordWithNotifications[]> {
    const notifications = await this.webhooks.notificationsOf(rows);
    return rows.map((r) => {
      const made = notifications.get(`${r.executionId}:${r.counter}`);
      return made ? { ...toRecordDocument(r, account.alias), notifications: made } : toRecordDocument(r, account.alias);
    });
  }
}
