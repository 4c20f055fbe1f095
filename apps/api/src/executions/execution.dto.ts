import type { ArtifactsDocument, ExecutionDocument } from '@app/domain';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Matches, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { EXECUTION_STATUSES, type ExecutionStatus } from '@app/domain';
import type { Link } from '../common/links';
import { PageQuery } from '../common/paging';
import { HOST_ID, HOST_ID_RULE } from '../common/host-id';

export class StartHost {
  @IsString()
  @Matches(HOST_ID, { message: HOST_ID_RULE })
  id: string;

  /** Secret: base64 PEM private key for this host, for this run only; never returned. */
  @IsOptional() @IsString() @MaxLength(65536) sshPrivateKey?: string;
}

/**
 * The body of restart, as the Runner took it: all optional. `hosts` re-runs only these of the failed
 * hosts; keys apply from this attempt on. A restart re-runs the run as it was started, so its extra
 * vars cannot change here (`properties` is refused).
 */
export class RestartRequest {
  @IsOptional() @IsArray() @ArrayMaxSize(10000) @ValidateNested({ each: true }) @Type(() => StartHost) hosts?: StartHost[];

  /** Secret: base64 PEM default private key for this run; never returned. */
  @IsOptional() @IsString() @MaxLength(65536) sshPrivateKey?: string;
}

/** The body of start: all optional. `hosts` limits the run to these hosts of the job. */
export class StartRequest extends RestartRequest {

  /** Extra vars for this run, over the job's `properties`; Ansible's password variables among them are secrets. */
  @IsOptional() @IsObject() @ApiPropertyOptional({ type: 'object', additionalProperties: true }) properties?: Record<string, unknown>;

  /** Secret extra vars for this run (strings of 8 or more characters): sealed, masked in output. */
  @IsOptional()
  @IsObject()
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', minLength: 8 } })
  secretProperties?: Record<string, unknown>;
}

export class StopRequest {
  /** Seconds Ansible gets to stop after the current task before the run is killed; default 30. */
  @IsOptional() @IsInt() @Min(0) @Max(3600) expiryDuration?: number;
}

export class ExecutionListQuery extends PageQuery {
  @IsOptional() @IsIn(EXECUTION_STATUSES) status?: ExecutionStatus;
}

/** The account-wide list: `?includeSubAccounts=true` adds the runs of every account below the alias. */
export class AccountExecutionListQuery extends ExecutionListQuery {
  /** Also the runs of the alias's sub-accounts (all of them are within reach of whoever may read the alias); a run's own token gets its account's runs only. */
  @IsOptional() @IsIn(['true', 'false']) includeSubAccounts?: 'true' | 'false';

  /** Only the runs of this job (with `includeSubAccounts`, a job of any account in reach). */
  @IsOptional() @IsUUID('all', { message: 'jobId must be a job id (a UUID)' }) jobId?: string;

  /** Only runs created at or after this time (ISO 8601, e.g. `2026-11-30T03:00:00Z`). */
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date and time, e.g. 2026-11-30T03:00:00Z' })
  from?: string;

  /** Only runs created at or before this time (ISO 8601); not before `from`. */
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date and time, e.g. 2026-11-30T04:00:00Z' })
  to?: string;
}

export class StdoutQuery {
  /** First line, 1-based (default 1). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) start_line?: number;
  /** Last line, inclusive (default: the end). */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) end_line?: number;
}

export class ExecutionResponse implements ExecutionDocument {
  execution_id: string;
  job_id: string;
  account_alias: string;
  status: string;
  timers: { start: number; end: number | null }[];
  start: number | null;
  end: number | null;
  failed_hosts: string[];
  host_summaries: Record<string, Record<string, number>>;
  is_vpn_established: boolean;
  repository_log: ExecutionDocument['repository_log'];
  exit_code: number | null;
  reason: string | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    example: { run: { build_id: 42 }, hosts: { web1: { port: 8080 } } },
    description:
      'what the playbook published with set_stats: `run` the aggregate (per_host: false), `hosts` per host; masked like records. ' +
      'Over RUNNER_MAX_ARTIFACTS_KB it is `{omitted: "<why>"}`; null when the playbook published nothing',
  })
  artifacts: ArtifactsDocument | null;
  links: Link[];
}
