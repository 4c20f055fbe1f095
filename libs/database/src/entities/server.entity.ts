import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JsonObject } from './job.entity';

/** A host of an account's inventory, named within the account. */
@Entity('servers')
export class Server {
  @PrimaryColumn('uuid', { name: 'account_id' }) accountId: string;
  @PrimaryColumn('text') name: string;
  @Column('text') description: string;
  @Column('text', { name: 'ip_address' }) ipAddress: string;
  @Column('integer') port: number;
  @Column('text', { name: 'group_name' }) group: string;
  @Column('text', { name: 'location_id', nullable: true }) locationId: string | null;
  @Column('text', { nullable: true }) os: string | null;
  @Column('text') username: string;
  @Column('text', { name: 'sealed_password', nullable: true }) sealedPassword: string | null;
  /** Secret variables (ansible_password, ...) show as "$encrypted$" here; see sealedHostVars. */
  @Column('jsonb', { name: 'host_vars' }) hostVars: JsonObject;
  /** The values of the secret hostVars, sealed as one JSON object; null when there are none. */
  @Column('text', { name: 'sealed_host_vars', nullable: true }) sealedHostVars: string | null;
  /** The host key seen on first contact (`type base64`), null before any. */
  @Column('text', { name: 'host_key', nullable: true }) hostKey: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
