import { MigrationInterface, QueryRunner } from 'typeorm';

export class ScheduleTimeZones1733500000000 implements MigrationInterface {
  name = 'ScheduleTimeZones1733500000000';

  async up(q: QueryRunner): Promise<void> {
    // The IANA zone a cron trigger's fields are read in (README "Schedules and service accounts").
    // Existing schedules were read in UTC, so that is their zone and the default.
    await q.query(`ALTER TABLE schedules ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE schedules DROP COLUMN time_zone`);
  }
}
