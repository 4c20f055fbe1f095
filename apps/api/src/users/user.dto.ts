import { applyDecorators } from '@nestjs/common';
import { ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { USERNAME_PATTERN } from '@app/config';
import { ROLES, type Role } from '@app/domain';
import type { Link } from '../common/links';
import { OutputOnly, SameAsPath } from '../common/round-trip';

/** At least one known role, each once; never one above the caller's own highest (403). */
const RoleList = (): PropertyDecorator =>
  applyDecorators(IsArray(), ArrayMinSize(1), ArrayUnique(), IsIn(ROLES, { each: true, message: `each value must be one of ${ROLES.join(', ')}` }));

export class CreateUserRequest {
  /** 1-64 letters, digits or `. _ @ -`; unique across the service (login takes only the username). */
  @Matches(USERNAME_PATTERN, { message: 'must be 1-64 letters, digits or . _ @ -' })
  username: string;

  /** Secret: at least 8 characters; never returned. */
  @IsString()
  @MinLength(8)
  @MaxLength(1024)
  password: string;

  @RoleList()
  roles: Role[];
}

/**
 * A user's new roles. The body may be the user as the list returned it (round trips): its
 * `userName` and `accountAlias` must then be the path's, the times and links are ignored.
 */
export class UpdateUserRequest {
  @RoleList()
  roles: Role[];

  @SameAsPath('username') userName?: string;
  @SameAsPath('alias') accountAlias?: string;
  @OutputOnly() createdTime?: number;
  @OutputOnly() links?: object[];
}

export class UserResponse {
  userName: string;
  accountAlias: string;
  roles: string[];
  createdTime: number;
  links: Link[];
}
