import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const PREFIX = 'rnrt';

/**
 * Throwaway Unix users for SSH tests, homes under a temp folder, removed by `removeAll`. Leftovers of
 * a crashed run are removed by the global setup: users whose folder's `owner` file names a process
 * that is gone (test files, and other checkouts' test runs, may be using theirs right now). Only
 * users named rnrt* are touched.
 */
export class UnixUsers {
  private readonly created: string[] = [];
  private readonly sudoers: string[] = [];
  readonly base = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-users-'));

  constructor() {
    fs.chmodSync(this.base, 0o755);
    fs.writeFileSync(path.join(this.base, 'owner'), String(process.pid));
  }

  create(options: { password?: string; sudo?: boolean } = {}): string {
    const name = `${PREFIX}${randomBytes(3).toString('hex')}`;
    execFileSync('useradd', ['-m', '-d', path.join(this.base, name), '-s', '/bin/sh', name], { stdio: 'pipe' });
    this.created.push(name);
    if (options.password) execFileSync('chpasswd', { input: `${name}:${options.password}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
    // Without PAM, sshd refuses even key logins to a locked account ("!"); "*" means no password, not locked.
    else execFileSync('usermod', ['-p', '*', name], { stdio: 'pipe' });
    if (options.sudo) {
      const file = `/etc/sudoers.d/${name}`;
      fs.writeFileSync(file, `${name} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
      this.sudoers.push(file);
    }
    return name;
  }

  authorizedKeys(name: string): string {
    const file = path.join(this.base, name, '.ssh', 'authorized_keys');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  removeAll(): void {
    for (const file of this.sudoers) fs.rmSync(file, { force: true });
    for (const name of this.created) {
      try {
        execFileSync('userdel', ['-f', name], { stdio: 'pipe' });
      } catch (error) {
        if (!/does not exist/.test(String((error as { stderr?: Buffer }).stderr ?? ''))) throw error;
      }
    }
    fs.rmSync(this.base, { recursive: true, force: true });
  }
}
