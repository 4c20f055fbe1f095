import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUrl, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { MAX_NOTIFY_RECIPIENTS, NOTIFY_WHEN, NotifyWhen, STORED_SECRET } from '@app/domain';
import { OutputOnly } from '../common/round-trip';

export class NotifyEmailDto {
  /** Plain addresses (`ops@example.com`): no display names, no CR/LF or other control characters. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_NOTIFY_RECIPIENTS)
  @IsString({ each: true })
  @MaxLength(254, { each: true })
  to: string[];

  @IsIn(NOTIFY_WHEN)
  @ApiProperty({ enum: NOTIFY_WHEN })
  on: NotifyWhen;
}

export class NotifyChatDto {
  /**
   * An incoming-webhook URL (Slack-compatible: it receives `{text, blocks}`). A credential: sealed,
   * never returned (shown as "$encrypted$"; send that back to keep it).
   */
  @ValidateIf((chat: NotifyChatDto) => chat.url !== STORED_SECRET)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http(s) URL, or "$encrypted$" to keep the stored one' })
  @MaxLength(2048)
  @ApiProperty({ description: 'write-only; shown as "$encrypted$"' })
  url: string;

  @IsIn(NOTIFY_WHEN)
  @ApiProperty({ enum: NOTIFY_WHEN })
  on: NotifyWhen;

  @OutputOnly('the chat URL\'s origin (scheme, host, port): where the messages go, without the secret part') origin?: string;
}

/** A run's e-mail and chat notifications (README "Notifications"). */
export class NotifyDto {
  @IsOptional() @ValidateNested() @Type(() => NotifyEmailDto) @ApiPropertyOptional({ type: NotifyEmailDto }) email?: NotifyEmailDto;
  @IsOptional() @ValidateNested() @Type(() => NotifyChatDto) @ApiPropertyOptional({ type: NotifyChatDto }) chat?: NotifyChatDto;
}
