import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from './processes';

/** The installed command: bin/automation-runner.js, which runs the built dist/apps/cli. */
export const CLI = path.join(ROOT, 'bin', 'automation-runner.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<CliRun>;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/**
 * Runs the CLI as a user would: its own HOME and config folder, only PATH from the test's
 * environment. `stopAll()` kills what is still running (afterAll).
 */
export class CliRunner {
  private readonly children = new Set<ChildProcess>();

  constructor(
    private readonly work: string,
    private readonly configHome: string,
    private readonly baseEnv: NodeJS.ProcessEnv = {},
  ) {}

  start(args: string[], options: CliOptions = {}): Running {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: this.work,
      env: { PATH: process.env.PATH, HOME: this.work, XDG_CONFIG_HOME: this.configHome, LANG: 'C.UTF-8', ...this.baseEnv, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.stdin!.end(options.input ?? '');
    const done = new Promise<CliRun>((resolve) =>
      child.once('close', (code) => {
        this.children.delete(child);
        resolve({ code, stdout, stderr });
      }),
    );
    return { child, stdout: () => stdout, stderr: () => stderr, done };
  }

  run(args: string[], options: CliOptions = {}): Promise<CliRun> {
    return this.start(args, options).done;
  }

  stopAll(): void {
    for (const child of this.children) child.kill('SIGKILL');
  }
}

/** Polls until the condition holds (90 s at most). */
export async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
