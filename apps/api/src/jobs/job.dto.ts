import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { EXECUTION_STATUSES, type ExecutionStatus } from '@app/domain';
import type { Link } from '../common/links';
import { PageQuery } from '../common/paging';
import { AlsoSpelled, OutputOnly, ReadBackTimes, SameAsPath } from '../common/round-trip';
import { NotifyDto } from '../notify/notify.dto';
import { HOST_ID, HOST_ID_RULE } from '../common/host-id';

/** Tags become one comma-separated `--tags` value, so a tag may not contain a comma or space. */
const TAG = /^[^,\s]{1,100}$/;
const KEYPAIR_ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class RepositoryCredentials {
  @IsOptional() @IsString() @MaxLength(256) username?: string;
  /** Secret: never returned. */
  @IsOptional() @IsString() @MaxLength(4096) password?: string;
  /** Secret: base64 of a PEM/OpenSSH private key; never returned. */
  @IsOptional() @IsString() @MaxLength(65536) sshPrivateKey?: string;
}

export class JobRepository {
  /** https://, http://, ssh:// or user@host:path URL of a git repository (repository-url.ts says what else is refused). */
  @IsString()
  @MaxLength(2048)
  url: string;

  /** A branch or tag; the repository's default branch when absent. */
  @AlsoSpelled('ref')
  @IsOptional()
  @IsString()
  @Matches(/^(?!-)[A-Za-z0-9._/-]{1,255}$/, { message: 'must be a branch or tag name' })
  branch?: string;

  /** Path of the playbook inside the repository; relative, staying inside it. */
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  defaultPlaybook: string;

  @IsOptional() @ValidateNested() @Type(() => RepositoryCredentials) credentials?: RepositoryCredentials;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(TAG, { each: true, message: 'each tag must be 1-100 characters without commas or spaces' })
  playbookTags?: string[];

  /**
   * Inventory files or folders in the repository (one path or a list; relative, staying inside it),
   * read with the job's `hosts` or instead of them; their group_vars/host_vars apply. Always
   * returned as a list.
   */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? [value] : value))
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(1024, { each: true })
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, maxItems: 20 }], example: ['inventories/production'] })
  inventory?: string[];

  @OutputOnly('whether repository credentials are stored (they are never returned)') hasCredentials?: boolean;
}

export class JobHost {
  /** The inventory name. */
  @IsString()
  @Matches(HOST_ID, { message: HOST_ID_RULE })
  id: string;

  /** Host variables; Ansible's password variables (ansible_password, …) among them are secrets (README "Secret variables"). */
  @IsOptional() @IsObject() @ApiPropertyOptional({ type: 'object', additionalProperties: true }) hostVars?: Record<string, unknown>;

  /** Secret: base64 PEM private key for this host; never returned. */
  @IsOptional() @IsString() @MaxLength(65536) sshPrivateKey?: string;
}

export class JobCallbackDto {
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'must be an http(s) URL' })
  @MaxLength(2048)
  url: string;

  @IsOptional()
  @IsIn(['DEBUG', 'ERROR', 'RESULT'])
  level?: 'DEBUG' | 'ERROR' | 'RESULT';
}

/**
 * The Runner listed callbacks as bare URLs too (`["https://…"]`, level DEBUG): each becomes
 * `{url}` before validation, so its URL is checked as any other and refused naming `callbacks.N.url`.
 */
function callbacksAsObjects({ value }: { value: unknown }): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((callback) => (typeof callback === 'string' ? plainToInstance(JobCallbackDto, { url: callback }) : callback));
}

/**
 * The body of POST and PUT: a whole job definition. The fields GET adds may be sent back and are
 * ignored (README "Round trips"); an `id` must be the path's.
 */
export class JobRequest extends ReadBackTimes {
  @SameAsPath('jobId') id?: string;
  @OutputOnly() accountAlias?: string;
  /** Always ACTIVE. */
  @OutputOnly() status?: string;

  @IsOptional() @IsString() @MaxLength(4000) description?: string;

  /** Base64 of one playbook YAML (a list of plays). Exactly one of playbook / repository. */
  @IsOptional() @IsString() playbook?: string;

  @IsOptional() @ValidateNested() @Type(() => JobRepository) repository?: JobRepository;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(TAG, { each: true, message: 'each tag must be 1-100 characters without commas or spaces' })
  playbookTags?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(10000) @ValidateNested({ each: true }) @Type(() => JobHost) hosts?: JobHost[];

  /** Extra vars; Ansible's password variables (ansible_become_password, …) among them are secrets. */
  @IsOptional() @IsObject() @ApiPropertyOptional({ type: 'object', additionalProperties: true }) properties?: Record<string, unknown>;

  /**
   * Extra vars whose values are secrets: strings of 8 or more characters, sealed at rest, shown as
   * "$encrypted$" (send that back to keep a value), masked in output.
   */
  @IsOptional()
  @IsObject()
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', minLength: 8 }, description: 'secret extra vars; shown as "$encrypted$"' })
  secretProperties?: Record<string, unknown>;

  /**
   * Ansible Vault passwords by vault id (`default` is Ansible's id for content encrypted without
   * one): sealed at rest, shown as "$encrypted$" (send that back to keep a password), masked in
   * output, handed to the run only (README "Playbook projects").
   */
  @IsOptional()
  @IsObject()
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', minLength: 8 },
    example: { default: 'a-vault-password', prod: 'another-vault-password' },
    description: 'vault passwords by vault id (1-64 of letters, digits, _ . -; at most 20); write-only, shown as "$encrypted$"',
  })
  vaultPasswords?: Record<string, unknown>;

  /** Secret: base64 PEM default private key for hosts; never returned. */
  @IsOptional() @IsString() @MaxLength(65536) sshPrivateKey?: string;

  @IsOptional() @Matches(KEYPAIR_ALIAS, { message: 'must be a key pair alias' }) keyPairAlias?: string;

  @IsOptional() @IsBoolean() useDynamicInventory?: boolean;

  /** `[{url, level?}]`; a bare URL string is also accepted (level DEBUG), as the Runner did. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => JobCallbackDto)
  @Transform(callbacksAsObjects, { toClassOnly: true })
  callbacks?: JobCallbackDto[];

  /** Minutes a run may take before it is stopped gracefully; 1-10080, default 180. */
  @IsOptional() @IsInt() @Min(1) @Max(10080) executionTtl?: number;

  @IsOptional() @IsString() @MinLength(1) @MaxLength(4096) limit?: string;
  @IsOptional() @IsInt() @Min(0) @Max(4) verbosity?: number;
  @IsOptional() @IsBoolean() checkMode?: boolean;
  @IsOptional() @IsInt() @Min(1) @Max(1000) forks?: number;

  /**
   * Who hears about a finished run, by e-mail and chat (README "Notifications"). Absent: the
   * account's default (`/v2/accounts/{alias}/notify`); `{}`: no one, whatever the default.
   */
  @IsOptional() @ValidateNested() @Type(() => NotifyDto) notify?: NotifyDto;
}

/** The job list's filters: `?search=` (description, repository URL or playbook) and `?lastStatus=`. */
export class JobListQuery extends PageQuery {
  /** Text the description, the repository's URL or its playbook contains (case-insensitive, no wildcards). */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) search?: string;

  /** Jobs whose newest run has this status; `NONE`: jobs that never ran. */
  @ApiPropertyOptional({ enum: [...EXECUTION_STATUSES, 'NONE'] })
  @IsOptional()
  @IsIn([...EXECUTION_STATUSES, 'NONE'])
  lastStatus?: ExecutionStatus | 'NONE';
}

export class ImmediateQuery {
  /** Also start an execution at once (the response links it as rel `execution`). */
  @IsOptional() @IsIn(['true', 'false']) immediate?: 'true' | 'false';
}

export class DeleteJobQuery {
  /** Kill active executions first instead of answering 409. */
  @IsOptional() @IsIn(['true', 'false']) force?: 'true' | 'false';
}

export class JobResponse {
  id: string;
  accountAlias: string;
  description: string;
  status: string;
  @ApiPropertyOptional() playbook?: string;
  @ApiPropertyOptional({ description: 'credentials are never returned' }) repository?: object;
  playbookTags?: string[];
  @ApiProperty({ description: 'hosts as {id, hostVars}; keys are never returned, secret host vars are shown as "$encrypted$"' }) hosts: object[];
  properties?: object;
  @ApiPropertyOptional({ description: 'names of secret extra vars, each shown as "$encrypted$"' }) secretProperties?: object;
  @ApiPropertyOptional({ description: 'vault ids of the vault passwords, each shown as "$encrypted$"' }) vaultPasswords?: object;
  keyPairAlias?: string;
  useDynamicInventory?: boolean;
  callbacks: object[];
  executionTtl: number;
  limit?: string;
  verbosity?: number;
  checkMode?: boolean;
  forks?: number;
  @ApiPropertyOptional({ type: NotifyDto, description: 'the chat URL is shown as "$encrypted$"' }) notify?: NotifyDto;
  createdTime: number;
  lastUpdatedTime: number;
  links: Link[];
}
