import { execa } from 'execa';

/**
 * The only module that starts processes. Argument arrays, never a shell.
 */
export async function ansiblePlaybookVersion(): Promise<string> {
  try {
    const { stdout } = await execa('ansible-playbook', ['--version'], { timeout: 30_000, extendEnv: true });
    return stdout.split('\n')[0] ?? 'unknown';
  } catch {
    throw new Error(
      'ansible-playbook was not found on PATH. Install it (Debian/Ubuntu: apt-get install ansible-core) and start again.',
    );
  }
}
