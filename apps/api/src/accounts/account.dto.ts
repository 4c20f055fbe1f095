import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ALIAS_PATTERN } from '@app/config';
import type { Link } from '../common/links';

export class CreateAccountRequest {
  /** 2-16 upper-case letters or digits, unique across the service. */
  @Matches(ALIAS_PATTERN, { message: 'must be 2-16 upper-case letters or digits' })
  alias: string;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}

export class AccountResponse {
  alias: string;
  name: string;
  parentAlias: string | null;
  locationAlias: string;
  createdTime: number;
  links: Link[];
}
