import { MigrationInterface, QueryRunner } from 'typeorm';

export class Runners1732800000000 implements MigrationInterface {
  name = 'Runners1732800000000';

  async up(q: QueryRunner): Promise<void> {
    // Worker processes, registered at start and kept fresh by their heartbeat.
    await q.query(`
      CREATE TABLE runners (
        id text PRIMARY KEY,
        host text NOT NULL,
        pid integer NOT NULL,
        slots integer NOT NULL,
        version text NOT NULL,
        ansible text NOT NULL,
        draining boolean NOT NULL DEFAULT false,
        started_at timestamptz NOT NULL,
        heartbeat_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE runners`);
  }
}
