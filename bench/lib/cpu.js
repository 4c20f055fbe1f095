'use strict';
// CPU seconds used by the service's own processes (api node, worker node, PostgreSQL) over a
// stretch of the bench: shows where time went when a figure misses, and how much of the 2 cores
// the service took away from Ansible. Ansible's processes are not counted here.
const path = require('node:path');
const proc = require('./proc');

function snapshot(system) {
  const pg = proc.postgresPids(path.join(system.dataDir, 'postgres'));
  const roles = new Map([[system.api?.pid, 'api'], [system.worker?.pid, 'worker'], ...pg.map((pid) => [pid, 'postgres'])]);
  roles.delete(undefined);
  return { at: Date.now(), roles, cpu: proc.cpuSeconds([...roles.keys()]) };
}

/** Since `before`: CPU seconds per role, and cores busy (seconds ÷ wall seconds). */
function since(system, before) {
  const after = snapshot(system);
  const seconds = (after.at - before.at) / 1000;
  const used = { api: 0, worker: 0, postgres: 0 };
  for (const [pid, role] of after.roles) {
    // A PostgreSQL backend that started meanwhile counts from zero.
    used[role] += (after.cpu.get(pid) ?? 0) - (before.cpu.get(pid) ?? 0);
  }
  const round = (v) => Math.round(v * 100) / 100;
  return {
    wallSeconds: round(seconds),
    cpuSeconds: Object.fromEntries(Object.entries(used).map(([k, v]) => [k, round(v)])),
    cores: Object.fromEntries(Object.entries(used).map(([k, v]) => [k, round(v / seconds)])),
  };
}

module.exports = { snapshot, since };
