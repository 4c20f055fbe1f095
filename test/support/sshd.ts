import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { freePort } from './free-port';

/**
 * A throwaway OpenSSH server on 127.0.0.1 (or, for VPN tests, on an address inside a network
 * namespace), configured entirely from its own temp folder.
 */
export interface TestSshd {
  host: string;
  port: number;
  /** The host's public key line (`ssh-ed25519 AAAA…`); changes after rotateHostKey(). */
  hostPublicKey: string;
  user: string;
  stop(): Promise<void>;
  /** Regenerate the host key and restart on the same port (to test "host key changed"). */
  rotateHostKey(): Promise<void>;
  authorizeKey(publicKeyLine: string): void;
}

const SSHD = '/usr/sbin/sshd';

// Safety net: a test that forgets stop() (or crashes) must not leave sshd listening. Jest gives
// each test file a copy of `process` whose 'exit' never fires and reloads this module per file,
// so keep one registry and one hook on the real process (vm.runInThisContext reaches it).
type Started = { child: ChildProcess; dir: string };
const realGlobal = vm.runInThisContext('globalThis') as { process: NodeJS.Process; testSshds?: Set<Started> };
if (!realGlobal.testSshds) {
  const started = (realGlobal.testSshds = new Set());
  realGlobal.process.on('exit', () => {
    for (const { child, dir } of started) {
      killTree(child.pid!, 'SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
const running = realGlobal.testSshds;

/** A fresh key pair, as ssh-keygen writes it (temp files removed after reading). */
export function generateKeyPair(type: 'ed25519' | 'rsa' = 'ed25519'): { privateKey: string; publicKey: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'test-sshkey-'));
  try {
    const file = path.join(dir, 'id');
    keygen(file, type);
    return { privateKey: fs.readFileSync(file, 'utf8'), publicKey: fs.readFileSync(`${file}.pub`, 'utf8').trim() };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function startSshd(options: { user?: string; passwordAuth?: boolean; namespace?: string; address?: string | string[] } = {}): Promise<TestSshd> {
  const user = options.user ?? 'root';
  // sshd refuses to start without its privilege separation directory (absent in containers).
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'test-sshd-'));
  const hostKey = path.join(dir, 'ssh_host_ed25519_key');
  const config = path.join(dir, 'sshd_config');
  fs.mkdirSync(path.join(dir, 'authorized_keys'));
  keygen(hostKey, 'ed25519');
  const port = await freePort();
  const addresses = [options.address ?? '127.0.0.1'].flat();
  const address = addresses[0];
  const where = { port, address, namespace: options.namespace };
  fs.writeFileSync(
    config,
    [
      ...addresses.map((a) => `ListenAddress ${a}`),
      `Port ${port}`,
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      // The harness's own keys first; then the users' own files, where deployed keys go.
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}/%u .ssh/authorized_keys`,
      // The temp folder is not laid out with the ownership/modes sshd insists on by default.
      `StrictModes no`,
      `UsePAM no`,
      `PasswordAuthentication ${options.passwordAuth ? 'yes' : 'no'}`,
      `KbdInteractiveAuthentication no`,
      `PermitRootLogin ${options.passwordAuth ? 'yes' : 'prohibit-password'}`,
      `UseDNS no`,
      `PrintMotd no`,
      `Subsystem sftp internal-sftp`,
      // A VPN gateway forwards its clients' connections (ssh -W); this is sshd's default, said out loud.
      `AllowTcpForwarding yes`,
      `LogLevel ERROR`,
      '',
    ].join('\n'),
  );

  let child = await launch(config, where);
  let entry = { child, dir };
  running.add(entry);

  const stopChild = async (): Promise<void> => {
    running.delete(entry);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      killTree(child.pid!, 'SIGTERM');
      await exited;
    }
  };

  return {
    host: address,
    port,
    user,
    get hostPublicKey() {
      return fs.readFileSync(`${hostKey}.pub`, 'utf8').trim();
    },
    authorizeKey(publicKeyLine) {
      fs.appendFileSync(path.join(dir, 'authorized_keys', user), publicKeyLine.trim() + '\n');
    },
    async rotateHostKey() {
      await stopChild();
      fs.rmSync(hostKey, { force: true });
      fs.rmSync(`${hostKey}.pub`, { force: true });
      keygen(hostKey, 'ed25519');
      child = await launch(config, where);
      entry = { child, dir };
      running.add(entry);
    },
    async stop() {
      await stopChild();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function keygen(file: string, type: 'ed25519' | 'rsa'): void {
  const args = type === 'rsa' ? ['-t', 'rsa', '-b', '3072'] : ['-t', 'ed25519'];
  execFileSync('ssh-keygen', [...args, '-N', '', '-C', '', '-q', '-f', file], { stdio: 'pipe' });
}

type Where = { port: number; address: string; namespace?: string };

/** Starts sshd in the foreground (inside `namespace` if given) and resolves once its port listens. */
async function launch(config: string, { port, address, namespace }: Where): Promise<ChildProcess> {
  // `ip netns exec` execs sshd in place, so the child's pid is sshd's own.
  const child = namespace
    ? spawn('ip', ['netns', 'exec', namespace, SSHD, '-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] })
    : spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // A forgotten sshd must not keep the test process alive: the exit hook above ends it instead.
  child.unref();
  (child.stderr as net.Socket).unref();
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`sshd exited on start:\n${stderr}`);
    if (namespace ? listensIn(namespace, port) : await accepts(port, address)) return child;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`sshd did not listen on ${port} within 10s:\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Inside a namespace the root namespace may have no route to the address: ask the socket table there. */
function listensIn(namespace: string, port: number): boolean {
  try {
    return execFileSync('ip', ['netns', 'exec', namespace, 'ss', '-Hltn', `sport = :${port}`], { stdio: 'pipe' }).toString().trim() !== '';
  } catch {
    return false;
  }
}

function accepts(port: number, address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, address);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Signals sshd and every process below it. Per-connection sshd processes call setsid(), so
 * killing a process group is not enough; without this, open sessions (e.g. an SSH ControlMaster
 * kept by Ansible) would outlive stop() and keep talking to the old host key after a rotation.
 */
function killTree(pid: number, signal: NodeJS.Signals): void {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent pid; the command name (field 2) may contain spaces.
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]) ?? []));
  for (const p of tree) {
    try {
      process.kill(p, signal);
    } catch {
      // Already gone.
    }
  }
}
