import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import type { Link } from '../common/links';
import { OutputOnly, SameAsPath } from '../common/round-trip';
import { SERVER_NAME, UNIX_USER } from '../servers/server.dto';

export const KEYPAIR_ALIAS = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class UsernamesRequest {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @Matches(UNIX_USER, { each: true, message: 'each must be a Unix user name' })
  usernames: string[];
}

export class DeployTarget extends UsernamesRequest {
  /** The server's name. */
  @Matches(SERVER_NAME, { message: 'must be a server name' }) serverId: string;
}

export class GenerateKeypairRequest {
  @IsOptional() @IsIn(['ed25519', 'rsa']) type?: 'ed25519' | 'rsa';
  /** RSA only: 3072 (default) or 4096. */
  @IsOptional() @IsInt() @IsIn([3072, 4096], { message: 'must be 3072 or 4096 (RSA only)' }) bits?: number;
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => DeployTarget) deployToServers?: DeployTarget[];
}

export class ImportKeypairRequest {
  /** An authorized_keys line. */
  @IsString() @MaxLength(16384) publicKey: string;
  /**
   * Secret: the matching private key (OpenSSH or PEM, unencrypted), so jobs can use the key pair.
   * Left out for the same public key, the stored one is kept (round trips); `null` removes it.
   */
  @IsOptional() @IsString() @MaxLength(65536) privateKey?: string | null;
  // What GET adds: a PUT may carry it back (README "Round trips").
  @SameAsPath('keypairAlias') alias?: string;
  @OutputOnly() type?: string;
  @OutputOnly() fingerprint?: string;
  @OutputOnly('where the key is installed') deployedServers?: object[];
  @OutputOnly() createdTime?: number;
  @OutputOnly() links?: object[];
  @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => DeployTarget) deployToServers?: DeployTarget[];
}

export class KeypairResponse {
  alias: string;
  type: string;
  publicKey: string;
  fingerprint: string;
  /** Only in the response that generated the key. */
  privateKey?: string;
  /**
   * Where the key is installed, per server, its users; in the answer that created or imported it,
   * the deployments it queued, each with its `operation` status URL and a `status` link.
   */
  deployedServers: { serverId: string; usernames: string[]; operation?: string; links?: Link[] }[];
  createdTime: number;
  links: Link[];
}
