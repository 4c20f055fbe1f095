import { runCommand } from '@app/process';

/** ansible-playbook's first `--version` line, said in the worker's start-up log and on its runner record. */
export async function ansiblePlaybookVersion(command: string): Promise<string> {
  const result = await runCommand(command, ['--version'], { env: {}, timeoutMs: 30_000 });
  if (result.exitCode !== 0) {
    throw new Error(`${command} was not found (RUNNER_ANSIBLE_PLAYBOOK). Install it (Debian/Ubuntu: apt-get install ansible-core) and start again.`);
  }
  return result.stdout.split('\n')[0] || 'unknown';
}
