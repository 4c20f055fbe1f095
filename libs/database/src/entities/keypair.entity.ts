import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An SSH key pair of an account; the private key sealed by the SecretBox (null: public key only). */
@Entity('keypairs')
export class Keypair {
  @PrimaryColumn('uuid', { name: 'account_id' }) accountId: string;
  @PrimaryColumn('text') alias: string;
  @Column('text') type: string;
  @Column('text', { name: 'public_key' }) publicKey: string;
  @Column('text') fingerprint: string;
  @Column('text', { name: 'sealed_private_key', nullable: true }) sealedPrivateKey: string | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
}

/** A key pair known to be installed for one user on one server (a deployment operation's outcome). */
@Entity('keypair_deployments')
export class KeypairDeployment {
  @PrimaryColumn('uuid', { name: 'account_id' }) accountId: string;
  @PrimaryColumn('text', { name: 'keypair_alias' }) keypairAlias: string;
  @PrimaryColumn('text', { name: 'server_name' }) serverName: string;
  @PrimaryColumn('text') username: string;
  /** DEFAULT now(): set by the database on insert. */
  @Column('timestamptz', { name: 'created_at' }) createdAt?: Date;
}
