'use strict';
// Process bookkeeping for the benchmark. Every process the bench starts is spawned here (or is a
// descendant of one spawned here), each in a temp folder of its own, so the cleanup can find
// exactly what this run started: by pid (tracked children), by parentage (their descendants) and
// by working directory (ansible-playbook, its forks and ssh-agent run in folders under the
// bench's temp root). Nothing is ever killed by name.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const tracked = new Set();

/** Spawns a tracked child in its own process group (so the whole group can be signalled). */
function start(file, args, options = {}) {
  const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  tracked.add(child);
  child.once('exit', () => tracked.delete(child));
  return child;
}

/** Runs a command to completion; resolves with exit code, wall time (ms) and the output's tail. */
function run(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = now();
    const child = start(file, args, options);
    let tail = '';
    const keep = (chunk) => {
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, ms: now() - started, tail }));
  });
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes' Date.now(). */
function now() {
  return performance.timeOrigin + performance.now();
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}

function waitExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM (graceful: the service drains), then SIGKILL to the group after `graceMs`. */
async function stop(child, graceMs = 15000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await waitExit(child, graceMs))) {
    signalGroup(child.pid, 'SIGKILL');
    await waitExit(child, 5000);
  }
}

/** All processes: pid → {ppid, cwd}. */
function processTable() {
  const table = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      let cwd = null;
      try {
        cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        /* another user's process or already gone */
      }
      table.set(pid, { ppid, cwd });
    } catch {
      /* gone */
    }
  }
  return table;
}

/** Pids this bench started: descendants of this process, and anything working inside `root`. */
function ours(root) {
  const table = processTable();
  const found = new Set();
  const children = new Map();
  for (const [pid, { ppid }] of table) {
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  const walk = (pid) => {
    for (const child of children.get(pid) ?? []) {
      if (!found.has(child)) {
        found.add(child);
        walk(child);
      }
    }
  };
  walk(process.pid);
  if (root) {
    const prefix = path.resolve(root) + path.sep;
    for (const [pid, { cwd }] of table) {
      if (pid !== process.pid && cwd && (cwd + path.sep).startsWith(prefix)) {
        found.add(pid);
        walk(pid);
      }
    }
  }
  found.delete(process.pid);
  return [...found];
}

/** Last resort after the orderly shutdown: SIGKILL whatever of ours is still there. */
async function killLeftovers(root) {
  let leftovers = ours(root).filter(alive);
  for (let round = 0; round < 5 && leftovers.length; round++) {
    for (const pid of leftovers) signalGroup(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 300));
    leftovers = ours(root).filter(alive);
  }
  return leftovers;
}

/** Resident memory of one process, in MB (VmRSS of /proc/<pid>/status: that process only). */
function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
  return kb / 1024;
}

/** CPU seconds (user + system) used so far by each pid that still exists; pid → seconds. */
function cpuSeconds(pids) {
  const out = new Map();
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100); // utime, stime in USER_HZ (100)
    } catch {
      /* gone */
    }
  }
  return out;
}

/** PostgreSQL's processes: those working in the cluster's folder (the postmaster chdirs there). */
function postgresPids(dataDir) {
  const prefix = path.resolve(dataDir) + path.sep;
  return [...processTable()].filter(([, { cwd }]) => cwd && (cwd + path.sep).startsWith(prefix)).map(([pid]) => pid);
}

module.exports = { cpuSeconds, postgresPids,  start, run, stop, now, ours, alive, killLeftovers, rssMb, tracked, signalGroup };
