import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectLimitBackend, RunLimits } from './run-limits';

// The cgroup file protocol against a tree of plain files shaped like the kernel's (the real v1
// hierarchy is exercised end to end by test/e2e/sandbox.test.ts; this machine has no v2 controllers).
const settings = { memoryMb: 512, pids: 100, cpus: 2 };

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-cgroup-spec-'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), content);
  }
  return root;
}

describe('run limits', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

  it('cgroup v2: enables the controllers below the worker, writes the limits, reads which was hit', () => {
    const root = tree({ 'cgroup.controllers': 'cpuset cpu io memory pids', 'svc/cgroup.controllers': 'cpuset cpu io memory pids', 'svc/cgroup.subtree_control': '', 'svc/cgroup.procs': '' });
    roots.push(root);
    const backend = detectLimitBackend(root, new Map([['', '/svc']]));
    expect(backend).toEqual({ kind: 'cgroup2', base: path.join(root, 'svc', 'automation-runner') });
    expect(fs.readFileSync(path.join(root, 'svc', 'automation-runner', 'cgroup.subtree_control'), 'utf8')).toBe('+memory +pids +cpu');
    const limits = RunLimits.create(backend, settings);
    const [procs] = limits.cgroupProcs;
    const dir = path.dirname(procs);
    expect(path.basename(dir)).toMatch(new RegExp(`^run-${process.pid}-[0-9a-f]{12}$`));
    expect(fs.readFileSync(path.join(dir, 'pids.max'), 'utf8')).toBe('100');
    expect(fs.readFileSync(path.join(dir, 'memory.max'), 'utf8')).toBe(String(512 * 1024 * 1024));
    expect(fs.readFileSync(path.join(dir, 'cpu.max'), 'utf8')).toBe('200000 100000');
    expect(limits.rlimits).toEqual({});
    expect(limits.hit()).toBeNull();
    fs.writeFileSync(path.join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n');
    expect(limits.hit()).toBe('memory');
    fs.writeFileSync(path.join(dir, 'pids.events'), 'max 12\n');
    expect(limits.hit()).toBe('processes');
    expect(limits.describe('processes')).toBe('the run reached its limit of 100 processes (RUNNER_SANDBOX_PIDS) and was ended');
  });

  it('cgroup v1: a cgroup per controller under the worker\'s own', () => {
    const root = tree({ 'pids/cgroup.procs': '', 'memory/cgroup.procs': '', 'memory/box/cgroup.procs': '', 'cpu/cgroup.procs': '' });
    roots.push(root);
    const backend = detectLimitBackend(root, new Map([['pids', '/'], ['memory', '/box'], ['cpu', '/']]));
    expect(backend.kind).toBe('cgroup1');
    const limits = RunLimits.create(backend, settings);
    const [pids, memory, cpu] = limits.cgroupProcs.map(path.dirname);
    expect(memory.startsWith(path.join(root, 'memory', 'box', 'automation-runner'))).toBe(true);
    expect(fs.readFileSync(path.join(pids, 'pids.max'), 'utf8')).toBe('100');
    expect(fs.readFileSync(path.join(memory, 'memory.limit_in_bytes'), 'utf8')).toBe(String(512 * 1024 * 1024));
    expect(fs.readFileSync(path.join(cpu, 'cpu.cfs_quota_us'), 'utf8')).toBe('200000');
    fs.writeFileSync(path.join(memory, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
    expect(limits.hit()).toBe('memory');
  });

  it('no cgroup hierarchy to write: rlimits, per process, and no counters', () => {
    const root = tree({ 'unrelated/file': '' });
    roots.push(root);
    const backend = detectLimitBackend(root, new Map());
    expect(backend).toEqual({ kind: 'rlimit' });
    const limits = RunLimits.create(backend, settings);
    expect(limits.cgroupProcs).toEqual([]);
    expect(limits.rlimits).toEqual({ nproc: 100, as: 512 * 1024 * 1024 });
    expect(limits.hit()).toBeNull();
  });
});
