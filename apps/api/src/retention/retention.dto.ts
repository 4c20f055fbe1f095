import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min, ValidateIf } from 'class-validator';
import { MAX_RETENTION_DAYS } from '@app/database';
import { OutputOnly } from '../common/round-trip';

/** How long an account keeps its finished runs (README "Retention"). */
export class RetentionDto {
  /**
   * Days a finished run (with its records, transcript and deliveries) is kept after it ended; 0 keeps
   * runs forever; null follows the parent account, and at the top the service's RUNNER_RETENTION_DAYS.
   */
  @ValidateIf((body: RetentionDto) => body.retentionDays !== null)
  @IsInt({ message: 'must be a whole number of days (0 = forever) or null (the default)' })
  @Min(0, { message: 'must be 0 (forever) or more days' })
  @Max(MAX_RETENTION_DAYS, { message: `must be at most ${MAX_RETENTION_DAYS} days (0 keeps runs forever)` })
  @ApiProperty({ type: 'integer', nullable: true, minimum: 0, maximum: MAX_RETENTION_DAYS })
  retentionDays: number | null;

  @OutputOnly('days that apply to this account\'s runs: its own setting, its nearest parent\'s, or the service default; 0 = forever')
  effectiveRetentionDays?: number;

  @OutputOnly('the alias of the account whose setting applies, or null for the service default')
  setBy?: string | null;

  @OutputOnly('the service default (RUNNER_RETENTION_DAYS)')
  serviceDefaultDays?: number;
}
