import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import type { Link } from '../common/links';
import { OutputOnly, ReadBackTimes, SameAsPath } from '../common/round-trip';
import { KEYPAIR_ALIAS } from '../keypairs/keypair.dto';
import { UNIX_USER } from '../servers/server.dto';

/** Also what a host's `rnr_vpn` var names. */
export const VPN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class GatewayRequest {
  /** IPv4 or IPv6 address, or a DNS name. */
  @IsString() @MaxLength(253) host: string;
  /** Default 22. */
  @IsOptional() @IsInt() @Min(1) @Max(65535) port?: number;
  @Matches(UNIX_USER, { message: 'must be a Unix user name' }) username: string;
  /** A stored key pair of the same account, with its private key: how the service logs in to the gateway. */
  @Matches(KEYPAIR_ALIAS, { message: 'must be a key pair alias' }) keyPairAlias: string;
}

/**
 * The body of POST and PUT. GET's body may come back whole (README "Round trips"): the check's
 * outcome, times and links are ignored, and an `id` must be the path's.
 */
export class VpnConnectionRequest extends ReadBackTimes {
  @SameAsPath('id') id?: string;
  @OutputOnly() accountAlias?: string;
  @OutputOnly('the last check\'s outcome') status?: string;
  @OutputOnly() lastCheckedTime?: number;
  @OutputOnly() lastCheckMessage?: string;

  /** Unique in the account; a host var `rnr_vpn: <name>` sends a host through this connection. */
  @Matches(VPN_NAME, { message: 'must be 1-64 letters, digits, . _ - (starting with a letter or digit)' }) name: string;
  /** Networks (IPv4 or IPv6 CIDR) reached through the gateway; they may not overlap another connection's of the account. */
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(64, { each: true }) networks: string[];
  @IsObject() @ValidateNested() @Type(() => GatewayRequest) gateway: GatewayRequest;
}

export class GatewayResponse {
  host: string;
  port: number;
  username: string;
  keyPairAlias: string;
}

export class VpnConnectionResponse {
  id: string;
  name: string;
  accountAlias: string;
  networks: string[];
  gateway: GatewayResponse;
  /** The last check's outcome: `unknown` until one ran (a `test` call or a run that needed it). */
  status: 'up' | 'down' | 'unknown';
  /** Epoch ms of the last check, null before any. */
  lastCheckedTime: number | null;
  /** What the last check said. */
  lastCheckMessage: string | null;
  createdTime: number;
  lastUpdatedTime: number;
  links: Link[];
}

export class VpnTestResponse {
  status: 'up' | 'down';
  /** Time to connect and authenticate to the gateway; null when it is down. */
  latencyMs: number | null;
  message: string;
}
