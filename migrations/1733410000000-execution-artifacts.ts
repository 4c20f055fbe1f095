import { MigrationInterface, QueryRunner } from 'typeorm';

export class ExecutionArtifacts1733410000000 implements MigrationInterface {
  name = 'ExecutionArtifacts1733410000000';

  async up(q: QueryRunner): Promise<void> {
    // What the run's playbook published with set_stats (README "Playbook projects"): masked and
    // bounded by the worker (RUNNER_MAX_ARTIFACTS_KB) before it is stored; null when it published nothing.
    await q.query(`ALTER TABLE executions ADD COLUMN artifacts jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE executions DROP COLUMN artifacts`);
  }
}
