import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A service-wide value, such as the encryption key check (sealed: see SEALED_COLUMNS). */
@Entity('settings')
export class Setting {
  @PrimaryColumn('text') name: string;
  @Column('text') value: string;
}
