import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One known_hosts line of an account: first contact adds it, a changed key is refused by ssh. */
@Entity('known_hosts')
export class KnownHost {
  @PrimaryColumn('uuid', { name: 'account_id' }) accountId: string;
  @PrimaryColumn('text') line: string;
  /** DEFAULT now(): set by the database on insert. */
  @Column('timestamptz', { name: 'created_at' }) createdAt?: Date;
}
