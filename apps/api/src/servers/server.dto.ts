import { ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsIn, IsInt, IsIP, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { Link } from '../common/links';
import { OutputOnly, ReadBackTimes, outputOnlyFields } from '../common/round-trip';

export const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
export const UNIX_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/** A server as registered (POST) and after every PATCH; name is fixed once created. */
export class ServerRequest extends ReadBackTimes {
  /** Unique in the account; also its inventory name. */
  @Matches(SERVER_NAME, { message: 'must be 1-63 letters, digits, . _ - (starting with a letter or digit)' }) name: string;
  @IsOptional() @IsString() @MaxLength(1000) description?: string;
  @IsIP() ipAddress: string;
  @IsOptional() @IsInt() @Min(1) @Max(65535) port?: number;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) group?: string;
  @IsOptional() @IsString() @MaxLength(100) locationId?: string;
  @IsOptional() @IsString() @MaxLength(100) os?: string;
  @IsOptional() @Matches(UNIX_USER, { message: 'must be a Unix user name' }) username?: string;
  /** Secret: for the first key deployment only; stored encrypted, never returned. */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(1024) password?: string;
  @IsOptional()
  @IsObject()
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Variables of this host in runs with useDynamicInventory. Ansible password variables (ansible_password, ansible_become_password, ...) ' +
      'are secrets: strings of at least 8 characters, stored encrypted, shown as "$encrypted$"; sending "$encrypted$" back keeps the stored ' +
      'value, null or leaving the variable out removes it.',
  })
  hostVars?: Record<string, unknown>;

  // What GET adds: a POST or PATCH may carry it back and it is ignored (README "Round trips").
  @OutputOnly('whether a bootstrap password is stored') hasPassword?: boolean;
}

export const PATCHABLE = ['description', 'ipAddress', 'port', 'group', 'locationId', 'os', 'username', 'password', 'hostVars'] as const;

/**
 * Members a PATCH may name without changing anything, so that every member GET returned can be
 * sent back: the read-only ones are ignored, and `name` must stay the server's (else 400).
 */
export const PATCH_IGNORED = ['name', ...outputOnlyFields(ServerRequest)];

export class PatchOperation {
  @IsIn(['set']) op: 'set';
  /** A member GET returns; `name` and the read-only members may only be sent back unchanged. */
  @IsIn([...PATCHABLE, ...PATCH_IGNORED], { message: ({ value }) => `is ${JSON.stringify(value)}, not a member of a server (${PATCHABLE.join(', ')})` })
  member: string;
  /** The new value, checked as in POST. */
  @Allow() @ApiPropertyOptional() value: unknown;
}

export class ServerResponse {
  name: string;
  description: string;
  ipAddress: string;
  port: number;
  group: string;
  locationId: string | null;
  os: string | null;
  username: string;
  hasPassword: boolean;
  hostVars: object;
  createdTime: number;
  lastUpdatedTime: number;
  links: Link[];
}
