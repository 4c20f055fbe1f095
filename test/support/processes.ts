import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const DIST = path.join(ROOT, 'dist', 'apps');
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
export const ADMIN_PASSWORD = 'admin-password-1';

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything the process printed so far, stdout and stderr. */
  output(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code when the process ends by itself. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a built entry point (`api`, `worker`, `launcher`) as a real process and captures its output. */
/** `detached`: in a process group of its own, like a command a terminal started (see start.test.ts's Ctrl-C). */
export function startProcess(app: 'api' | 'worker' | 'launcher' | 'rekey', env: NodeJS.ProcessEnv, options: { detached?: boolean } = {}): ServiceProcess {
  const entry = app === 'rekey' ? path.join(DIST, 'launcher', 'src', 'rekey.js') : path.join(DIST, app, 'src', 'main.js');
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => output,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const match = output.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern} from ${app}; output:\n${output.slice(-4000)}`));
        }, timeoutMs);
        const onExit = (): void => {
          cleanup();
          reject(new Error(`${app} exited before ${pattern}; output:\n${output.slice(-4000)}`));
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface ApiHandle {
  url: string;
  process: ServiceProcess;
  dataDir: string;
  stop(): Promise<void>;
}

/** The real api process on a free port against `databaseUrl`, with a known admin password. */
export async function startApi(databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<ApiHandle> {
  const dataDir = tempDir('runner-api-');
  const api = startProcess('api', {
    PORT: '0',
    RUNNER_LISTEN_HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    RUNNER_DATA_DIR: dataDir,
    RUNNER_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    RUNNER_BOOTSTRAP_PASSWORD: ADMIN_PASSWORD,
    // No load balancer to wait for in tests (the drain itself is tested with a longer one).
    RUNNER_API_DRAIN_SECONDS: '0',
    // The tests' sshd listens on loopback (and VPN gateways on link-local veths): let the service's
    // own SSH connections reach them. probing.test.ts turns it off to test the guard.
    RUNNER_PROBE_ALLOW_INTERNAL: 'true',
    ...env,
  });
  const match = await api.waitFor(/"msg":"api listening","port":(\d+)/);
  return {
    url: `http://127.0.0.1:${match[1]}`,
    process: api,
    dataDir,
    stop: async () => {
      await api.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
