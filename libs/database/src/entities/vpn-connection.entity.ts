import { Column, Entity, PrimaryColumn } from 'typeorm';

export type VpnStatus = 'up' | 'down' | 'unknown';

/** An SSH gateway that runs reach other networks through; the key pair is referenced by alias. */
@Entity('vpn_connections')
export class VpnConnection {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'account_id' }) accountId: string;
  @Column('text') name: string;
  /** Canonical CIDR texts, as PostgreSQL's cidr type prints them. */
  @Column('cidr', { array: true }) networks: string[];
  @Column('text', { name: 'gateway_host' }) gatewayHost: string;
  @Column('integer', { name: 'gateway_port' }) gatewayPort: number;
  @Column('text', { name: 'gateway_username' }) gatewayUsername: string;
  @Column('text', { name: 'key_pair_alias' }) keyPairAlias: string;
  @Column('text') status: VpnStatus;
  @Column('text', { name: 'status_message', nullable: true }) statusMessage: string | null;
  @Column('timestamptz', { name: 'last_checked_at', nullable: true }) lastCheckedAt: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
