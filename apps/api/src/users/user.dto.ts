import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { USERNAME_PATTERN } from '@app/config';
import { ROLES, type Role } from '@app/domain';
import type { Link } from '../common/links';

export class CreateUserRequest {
  /** 1-64 letters, digits or `. _ @ -`; unique across the service (login takes only the username). */
  @Matches(USERNAME_PATTERN, { message: 'must be 1-64 letters, digits or . _ @ -' })
  username: string;

  /** Secret: at least 8 characters; never returned. */
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each value must be one of ${ROLES.join(', ')}` })
  roles: Role[];
}

export class UserResponse {
  userName: string;
  accountAlias: string;
  roles: string[];
  createdTime: number;
  links: Link[];
}
