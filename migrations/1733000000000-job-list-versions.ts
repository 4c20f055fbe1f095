import { MigrationInterface, QueryRunner } from 'typeorm';

export class JobListVersions1733000000000 implements MigrationInterface {
  name = 'JobListVersions1733000000000';

  async up(q: QueryRunner): Promise<void> {
    // A counter per account that moves on every change to its jobs, so an api node can keep a
    // rendered page of the job list and check with one key lookup that it is still current. A
    // trigger rather than the repository's write paths: no write (a reseal, a manual fix) can miss it.
    // No foreign key to accounts: deleting an account deletes its jobs, and their trigger would then
    // write a row for the account being deleted, which the key would refuse (a leftover row is harmless).
    await q.query(`
      CREATE TABLE job_list_versions (
        account_id uuid PRIMARY KEY,
        version bigint NOT NULL
      )`);
    await q.query(`
      CREATE FUNCTION bump_job_list_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO job_list_versions AS v (account_id, version)
          VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.account_id ELSE NEW.account_id END, 1)
          ON CONFLICT (account_id) DO UPDATE SET version = v.version + 1;
        IF TG_OP = 'UPDATE' AND OLD.account_id <> NEW.account_id THEN
          INSERT INTO job_list_versions AS v (account_id, version) VALUES (OLD.account_id, 1)
            ON CONFLICT (account_id) DO UPDATE SET version = v.version + 1;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER jobs_bump_list_version AFTER INSERT OR UPDATE OR DELETE ON jobs
        FOR EACH ROW EXECUTE FUNCTION bump_job_list_version()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER jobs_bump_list_version ON jobs`);
    await q.query(`DROP FUNCTION bump_job_list_version()`);
    await q.query(`DROP TABLE job_list_versions`);
  }
}
