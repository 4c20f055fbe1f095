import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { USERNAME_PATTERN } from '@app/config';
import type { Link } from '../common/links';
import { AlsoSpelled, OutputOnly, SameAsPath } from '../common/round-trip';

export const SERVICE_ACCOUNT_ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class ServiceAccountRequest {
  @Matches(SERVICE_ACCOUNT_ALIAS, { message: 'must be 1-64 letters, digits, . _ -' }) alias: string;
  /** The user the scheduled runs act as. */
  @Matches(USERNAME_PATTERN, { message: 'must be a username' }) username: string;
  /** Secret: stored encrypted, never returned. */
  @IsString() @MinLength(1) @MaxLength(1024) password: string;
}

/**
 * PUT: GET's body may come back whole (README "Round trips"). The password is write-only, so one
 * left out keeps the stored one; an `alias` must be the path's (a service account is not renamed).
 */
export class ServiceAccountUpdate {
  @SameAsPath('serviceAccountAlias') alias?: string;
  @Matches(USERNAME_PATTERN, { message: 'must be a username' }) username: string;
  /** Secret: stored encrypted, never returned; left out, the stored password is kept. */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(1024) password?: string;
  @OutputOnly() createdTime?: number;
  @OutputOnly() links?: object[];
}

export class ServiceAccountResponse {
  alias: string;
  username: string;
  createdTime: number;
  links: Link[];
}

export class TriggerDto {
  @IsIn(['cron', 'date']) type: 'cron' | 'date';
  /**
   * Five-field cron (crontab(5), with croner's L, W, # and @daily-style nicknames), read in the
   * schedule's `timeZone`; or an ISO-8601 date-time in the future (an instant: its own offset, Z for UTC).
   */
  @IsString() @MinLength(1) @MaxLength(200) expression: string;
}

/**
 * The body of POST and PUT. GET's body may come back whole (README "Round trips"): its read-only
 * fields are ignored, and `id`, `scheduleId` and `jobId` must be the path's.
 */
export class ScheduleRequest {
  @SameAsPath('scheduleId') id?: string;
  /** The Runner's second id of a schedule; here the same as `id`. */
  @SameAsPath('scheduleId') scheduleId?: string;
  @SameAsPath('jobId') jobId?: string;
  @OutputOnly() accountAlias?: string;
  @OutputOnly() nextRunTime?: number;
  @OutputOnly() links?: object[];

  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @Matches(SERVICE_ACCOUNT_ALIAS, { message: 'must be a service account alias' }) serviceAccountAlias: string;
  /** `{type: "cron"|"date", expression}`; the Runner's examples sent it as `type`, which is accepted too. */
  @AlsoSpelled('type') @IsDefined() @ValidateNested() @Type(() => TriggerDto) trigger: TriggerDto;
  /**
   * The IANA time zone (`Europe/Berlin`) a cron trigger's fields are wall-clock times of; default
   * `UTC`. Across a DST change a fixed time (one minute, one hour) in the skipped hour fires at the
   * first minute after it, and once in a repeated hour; other expressions fire at every wall-clock
   * time that exists (none in the skipped hour, twice in a repeated one).
   */
  @IsOptional() @IsString() @MaxLength(64) timeZone?: string;
  @IsOptional() @IsBoolean() enabled?: boolean;
  /** While the previous scheduled run is active: start anyway (allow), skip this fire time (skip), or start when it ends (queue). */
  @IsOptional() @IsIn(['allow', 'skip', 'queue']) overlap?: 'allow' | 'skip' | 'queue';
  /** Fire times missed while no worker ran: one run for all of them, or none. */
  @IsOptional() @IsIn(['one', 'none']) catchUp?: 'one' | 'none';
}

export class ScheduleResponse {
  id: string;
  /** The Runner's name for the schedule's id; the same as `id`. */
  scheduleId: string;
  jobId: string;
  accountAlias: string;
  description: string;
  serviceAccountAlias: string;
  trigger: { type: string; expression: string };
  /** The IANA time zone of the cron trigger; `nextRunTime` is computed in it. */
  timeZone: string;
  enabled: boolean;
  overlap: string;
  catchUp: string;
  nextRunTime: number | null;
  links: Link[];
}

/** A schedule in the account-wide list: the same fields, and its job's description. */
export class AccountScheduleResponse extends ScheduleResponse {
  jobDescription: string;
}
