import { Daemon, runCommand, startDaemon } from './process-runner';
import type { Workspace } from './workspace';

export class UnusableKeyError extends Error {}

/**
 * A per-run ssh-agent on a socket inside the workspace. Keys go in through ssh-add's stdin, so
 * they are never in a file or on a command line.
 */
export class SshAgent {
  private constructor(
    readonly socket: string,
    private readonly daemon: Daemon,
  ) {}

  static async start(workspace: Workspace): Promise<SshAgent> {
    const socket = workspace.path('agent.sock');
    const env = { PATH: process.env.PATH, HOME: workspace.path('home') };
    const daemon = startDaemon('ssh-agent', ['-D', '-a', socket], env);
    for (let i = 0; i < 100; i++) {
      const probe = await runCommand('ssh-add', ['-l'], { env: { ...env, SSH_AUTH_SOCK: socket }, timeoutMs: 5000 });
      // 1 = "The agent has no identities": it is up.
      if (probe.exitCode === 0 || probe.exitCode === 1) return new SshAgent(socket, daemon);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await daemon.stop();
    throw new Error('ssh-agent did not start');
  }

  /** Adds a key given as base64 of its PEM/OpenSSH text; `label` names it in errors. */
  async add(base64Key: string, label: string): Promise<void> {
    const pem = Buffer.from(base64Key, 'base64').toString('utf8');
    const result = await runCommand('ssh-add', ['-q', '-'], {
      env: { PATH: process.env.PATH, SSH_AUTH_SOCK: this.socket },
      input: pem.endsWith('\n') ? pem : pem + '\n',
      timeoutMs: 15_000,
    });
    if (result.exitCode !== 0) {
      throw new UnusableKeyError(`the SSH private key ${label} is unusable: ${firstLine(result.stderr) || 'ssh-add refused it'}`);
    }
  }

  stop(): Promise<void> {
    return this.daemon.stop();
  }
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim())?.trim() ?? '';
}
