import * as path from 'node:path';
import { parse } from 'yaml';
import { checkoutRepository, readTenantFile, runEnvironment, Workspace } from '@app/ansible';
import type { RunnerConfig } from '@app/config';
import type { Job, JobSecrets, RepositoryLog } from '@app/database';
import { InitFailure } from './init-failure';
import { RunProject } from './run-project';

export interface RunPlaybook {
  /** The playbook file ansible-playbook is given. */
  playbook: string;
  repositoryLog: RepositoryLog | null;
  /** A repository's project (requirements, ansible.cfg, inventories); none for an inline playbook. */
  project?: RunProject;
}

/** The inline playbook, or the repository's checked out (a playbook inside it, valid YAML). */
export async function preparePlaybook(
  config: RunnerConfig,
  workspace: Workspace,
  job: Job,
  jobSecrets: JobSecrets,
  agentSocket: string | undefined,
): Promise<RunPlaybook> {
  const repo = job.definition.repository;
  // Checked by the api when the job was stored (job-validation.ts).
  if (!repo) return { playbook: workspace.write('playbook.yml', Buffer.from(job.definition.playbook ?? '', 'base64').toString('utf8')), repositoryLog: null };
  const target = workspace.path('repo');
  const checkout = await checkoutRepository({
    source: { url: repo.url, branch: repo.branch, credentials: jobSecrets.repositoryCredentials },
    mirrorsDir: path.join(config.dataDir, 'git-mirrors', job.accountId),
    target,
    env: runEnvironment(workspace, agentSocket),
    sshCommand: `ssh ${workspace.sshOptions()}`,
  });
  workspace.adopt('repo');
  const playbook = path.resolve(target, repo.defaultPlaybook);
  const real = workspace.fileIn(target, repo.defaultPlaybook);
  if (real === null) throw new InitFailure(`playbook ${repo.defaultPlaybook} does not exist in ${repo.url}`);
  if (real === 'outside') throw new InitFailure(`playbook ${repo.defaultPlaybook} points outside the repository`);
  checkYaml(real, repo.defaultPlaybook);
  const project = RunProject.prepare(config, workspace, {
    dir: target,
    url: repo.url,
    credentials: jobSecrets.repositoryCredentials,
    accountId: job.accountId,
    forks: job.definition.forks,
    inventory: repo.inventory,
  });
  return { playbook, repositoryLog: { recent_commit: [checkout.commit], tags: checkout.tags }, project };
}

function checkYaml(file: string, label: string): void {
  try {
    parse(readTenantFile(file) ?? '', { maxAliasCount: 1000 });
  } catch (error) {
    throw new InitFailure(`${label} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}
