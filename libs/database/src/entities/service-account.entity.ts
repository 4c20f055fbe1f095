import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The login a schedule starts its runs as; the password sealed by the SecretBox. */
@Entity('service_accounts')
export class ServiceAccount {
  @PrimaryColumn('uuid', { name: 'account_id' }) accountId: string;
  @PrimaryColumn('text') alias: string;
  @Column('text') username: string;
  @Column('text', { name: 'sealed_password' }) sealedPassword: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
