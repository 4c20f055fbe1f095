'use strict';
// The baselines every figure is divided by: bare `ansible-playbook` and `ansible-runner run`
// (Debian's python3-ansible-runner), on the same playbook and inventory as our runs. Each gets a
// fresh HOME in the bench's temp root (so ~/.ansible of the machine is neither used nor touched)
// and its own working folder (so the cleanup can find anything left behind).
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const proc = require('./proc');
const { writeFiles, inventory } = require('./playbooks');

function which(command) {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/** Installs python3-ansible-runner with apt-get when ansible-runner is missing (as the issue asks). */
function ensureAnsibleRunner(log) {
  if (which('ansible-runner')) return true;
  if (process.getuid?.() !== 0 || !which('apt-get')) {
    log('ansible-runner is missing and cannot be installed here (needs root and apt-get); its baseline is skipped');
    return false;
  }
  log('installing python3-ansible-runner with apt-get …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'python3-ansible-runner'], { env, stdio: 'ignore' });
  try {
    install();
  } catch {
    try {
      execFileSync('apt-get', ['update'], { env, stdio: 'ignore' });
      install();
    } catch (error) {
      log(`apt-get could not install python3-ansible-runner (${error.message.split('\n')[0]}); its baseline is skipped`);
    }
  }
  return Boolean(which('ansible-runner'));
}

function ansibleVersion() {
  try {
    return execFileSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return 'unknown';
  }
}

function baseEnv(home) {
  fs.mkdirSync(home, { recursive: true });
  return { PATH: process.env.PATH, HOME: home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };
}

/** A prepared bare `ansible-playbook` baseline; run() returns its wall time in ms. */
function barePlaybook(dir, playbook, { hosts, forks } = {}) {
  const { play, inv } = writeFiles(dir, playbook, hosts);
  const env = baseEnv(path.join(dir, 'home'));
  const args = ['-i', inv, ...(forks ? ['-f', String(forks)] : []), play];
  return {
    args,
    env,
    async run() {
      const result = await proc.run('ansible-playbook', args, { cwd: dir, env });
      if (result.code !== 0) throw new Error(`bare ansible-playbook failed (${result.code}): ${result.tail}`);
      return result.ms;
    },
  };
}

/** A prepared `ansible-runner run` baseline: private data dir with project/ and inventory/. */
function ansibleRunner(dir, playbook, { hosts, forks } = {}) {
  fs.mkdirSync(path.join(dir, 'project'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'inventory'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'project', 'play.yml'), playbook);
  fs.writeFileSync(path.join(dir, 'inventory', 'hosts.yml'), inventory(hosts));
  const env = baseEnv(path.join(dir, 'home'));
  const args = ['run', dir, '-p', 'play.yml', ...(forks ? ['--forks', String(forks)] : [])];
  return {
    async run() {
      const result = await proc.run('ansible-runner', args, { cwd: dir, env });
      if (result.code !== 0) throw new Error(`ansible-runner failed (${result.code}): ${result.tail}`);
      return result.ms;
    },
  };
}

/** `count` bare runs, `parallel` at a time, through xargs -P (figure 3's baseline). */
async function xargsParallel(dir, playbook, count, parallel) {
  const bare = barePlaybook(dir, playbook);
  const quoted = bare.args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `seq 1 ${count} | xargs -P ${parallel} -I{} ansible-playbook ${quoted} > /dev/null`;
  const result = await proc.run('sh', ['-c', script], { cwd: dir, env: bare.env });
  if (result.code !== 0) throw new Error(`xargs baseline failed (${result.code}): ${result.tail}`);
  return result.ms;
}

module.exports = { ensureAnsibleRunner, ansibleVersion, barePlaybook, ansibleRunner, xargsParallel, which };
