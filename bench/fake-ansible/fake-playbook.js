'use strict';
// A stand-in for `ansible-playbook`, used only by the synthetic worker of figure 4 (the bench puts a
// wrapper named ansible-playbook first on that worker's PATH). Real Ansible on a small machine emits
// a few hundred events per second, far below the 5,000/s the service must store, so the service's
// own capacity can only be seen with a source that is faster than it. This one writes events in the
// callback plugin's exact line format (libs/ansible/src/plugin/callbacks/runner_events.py) on the event fd,
// plus one transcript line per event on stdout, as fast as the pipe takes them (rate=0) or at a
// steady `rate` per second. What to do comes from a marker line in the playbook:
//   # bench-synthetic events=50000 rate=1000
const fs = require('node:fs');
const crypto = require('node:crypto');

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write('ansible-playbook [core 0.0 bench synthetic emitter]\n');
  process.exit(0);
}

const playbook = fs.readFileSync(args[args.length - 1], 'utf8');
const marker = /#\s*bench-synthetic\s+(.*)/.exec(playbook);
if (!marker) {
  process.stderr.write('ERROR! fake ansible-playbook: no "# bench-synthetic" marker in the playbook\n');
  process.exit(4);
}
const options = Object.fromEntries(marker[1].trim().split(/\s+/).map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
const total = options.events || 1000;
const rate = options.rate || 0;
const eventFd = Number(process.env.RUNNER_EVENT_FD || 3);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocking write that also copes with a non-blocking descriptor (EAGAIN: wait and retry). */
function writeAll(fd, text) {
  let buffer = Buffer.from(text);
  while (buffer.length) {
    try {
      const n = fs.writeSync(fd, buffer);
      buffer = buffer.subarray(n);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}

const playUuid = crypto.randomUUID();
const taskUuid = crypto.randomUUID();
function event(name, extra = {}) {
  return {
    event: name,
    uuid: crypto.randomUUID(),
    parent_uuid: taskUuid,
    host: null,
    play: 'synthetic',
    task: 'synthetic loop',
    failed: false,
    changed: false,
    message: null,
    stdout: null,
    event_data: {},
    timestamp: new Date().toISOString(),
    ...extra,
  };
}

function emit(from, to) {
  let events = '';
  let lines = '';
  for (let i = from; i < to; i++) {
    const host = `h${String((i % 10) + 1).padStart(4, '0')}`;
    events += JSON.stringify(event('runner_item_on_ok', { host, message: `item ${i}`, event_data: { item: i, msg: `item ${i}`, task_action: 'debug' } })) + '\n';
    lines += `ok: [${host}] => (item=${i}) => {"msg": "item ${i}"}\n`;
  }
  writeAll(eventFd, events);
  writeAll(1, lines);
}

writeAll(eventFd, JSON.stringify(event('playbook_on_start', { uuid: playUuid, parent_uuid: null, task: null })) + '\n');
const started = Date.now();
let sent = 0;
const BATCH = 200;
function finish() {
  const hosts = {};
  for (let h = 1; h <= 10; h++) hosts[`h${String(h).padStart(4, '0')}`] = { ok: Math.ceil(total / 10), changed: 0, failures: 0, unreachable: 0, skipped: 0, rescued: 0, ignored: 0 };
  writeAll(eventFd, JSON.stringify(event('playbook_on_stats', { event_data: { hosts } })) + '\n');
  process.exit(0);
}
if (!rate) {
  while (sent < total) {
    const to = Math.min(total, sent + BATCH);
    emit(sent, to);
    sent = to;
  }
  finish();
} else {
  // Steady rate: every 5 ms, catch up to where the clock says we should be.
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * rate));
    if (due > sent) {
      emit(sent, due);
      sent = due;
    }
    if (sent >= total) {
      clearInterval(timer);
      finish();
    }
  }, 5);
}
