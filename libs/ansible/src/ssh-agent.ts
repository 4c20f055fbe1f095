import * as net from 'node:net';
import type { RunSandbox } from './run-sandbox';
import { runEnvironment } from './playbook-command';
import { Workspace } from './workspace';
import { Daemon, runCommand, startDaemon } from '@app/process';

export class UnusableKeyError extends Error {}

/**
 * A per-run ssh-agent on a socket inside the workspace. Keys go in through ssh-add's stdin, so
 * they are never in a file or on a command line. In the run's sandbox, as the run's uid: ssh-agent
 * serves only its own uid (and root, so the worker can add keys and fetch over SSH).
 */
export class SshAgent {
  private constructor(
    readonly socket: string,
    private readonly daemon: Daemon,
  ) {}

  static async start(workspace: Workspace, sandbox?: RunSandbox): Promise<SshAgent> {
    const socket = workspace.path('agent.sock');
    const argv = ['ssh-agent', '-D', '-a', socket];
    const daemon = startDaemon(sandbox ? sandbox.wrap(argv) : { argv }, workspace.dir, runEnvironment(workspace));
    // Up once its socket accepts a connection (a connect is far cheaper than running ssh-add -l).
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await accepts(socket)) return new SshAgent(socket, daemon);
      await new Promise((resolve) => setTimeout(resolve, 2));
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

function accepts(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = net.connect(socket);
    connection.once('connect', () => {
      connection.destroy();
      resolve(true);
    });
    connection.once('error', () => resolve(false));
  });
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim())?.trim() ?? '';
}
