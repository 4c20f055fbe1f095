import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A chunk of whole lines of a run's human transcript (the stdout endpoint). */
@Entity('execution_output')
export class ExecutionOutput {
  @PrimaryColumn('uuid', { name: 'execution_id' }) executionId: string;
  @PrimaryColumn('integer', { name: 'first_line' }) firstLine: number;
  @Column('integer', { name: 'line_count' }) lineCount: number;
  @Column('text') text: string;
}
