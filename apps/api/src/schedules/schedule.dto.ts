import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { USERNAME_PATTERN } from '@app/config';
import type { Link } from '../common/links';

export const SERVICE_ACCOUNT_ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class ServiceAccountRequest {
  @Matches(SERVICE_ACCOUNT_ALIAS, { message: 'must be 1-64 letters, digits, . _ -' }) alias: string;
  /** The user the scheduled runs act as. */
  @Matches(USERNAME_PATTERN, { message: 'must be a username' }) username: string;
  /** Secret: stored encrypted, never returned. */
  @IsString() @MinLength(1) @MaxLength(1024) password: string;
}

export class ServiceAccountUpdate {
  @Matches(USERNAME_PATTERN, { message: 'must be a username' }) username: string;
  @IsString() @MinLength(1) @MaxLength(1024) password: string;
}

export class ServiceAccountResponse {
  alias: string;
  username: string;
  createdTime: number;
  links: Link[];
}

export class TriggerDto {
  @IsIn(['cron', 'date']) type: 'cron' | 'date';
  /** Five-field cron in UTC, or an ISO-8601 date-time in the future. */
  @IsString() @MinLength(1) @MaxLength(200) expression: string;
}

export class ScheduleRequest {
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @Matches(SERVICE_ACCOUNT_ALIAS, { message: 'must be a service account alias' }) serviceAccountAlias: string;
  @ValidateNested() @Type(() => TriggerDto) trigger: TriggerDto;
  @IsOptional() @IsBoolean() enabled?: boolean;
  /** While the previous scheduled run is active: start anyway (allow), skip this fire time (skip), or start when it ends (queue). */
  @IsOptional() @IsIn(['allow', 'skip', 'queue']) overlap?: 'allow' | 'skip' | 'queue';
  /** Fire times missed while no worker ran: one run for all of them, or none. */
  @IsOptional() @IsIn(['one', 'none']) catchUp?: 'one' | 'none';
}

export class ScheduleResponse {
  id: string;
  jobId: string;
  accountAlias: string;
  description: string;
  serviceAccountAlias: string;
  trigger: { type: string; expression: string };
  enabled: boolean;
  overlap: string;
  catchUp: string;
  nextRunTime: number | null;
  links: Link[];
}
