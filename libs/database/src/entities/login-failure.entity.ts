import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A failed (or reserved) login, counted per username and address over the rate limit's window. */
@Entity('login_failures')
export class LoginFailure {
  /** bigserial: pg hands int8 to JavaScript as a string. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('text') username: string;
  @Column('text') address: string;
  /** DEFAULT now(): set by the database on insert. */
  @Column('timestamptz') at?: Date;
}
