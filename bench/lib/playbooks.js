'use strict';
// The playbooks and inventories the figures use, in one place so that our runs and the baselines
// get byte-for-byte the same ones.
const fs = require('node:fs');
const path = require('node:path');
const { LOCAL_HOST_VARS } = require('./client');

/** The "trivial playbook": two tasks, one of which runs a real module (ping), one not. */
const TRIVIAL = `- hosts: all
  gather_facts: false
  tasks:
    - name: ping
      ansible.builtin.ping:
    - name: say hello
      ansible.builtin.debug:
        msg: hello
`;

/**
 * Many events: `tasks` loop tasks of `items` items each on every host. Many small loops rather
 * than one huge one, so that no single runner_on_ok (which carries all its items' results) is big.
 * `pause` (seconds between items, per host) throttles the emission rate.
 */
function eventLoop({ tasks, items, pause = 0 }) {
  let yaml = '- hosts: all\n  gather_facts: false\n  tasks:\n';
  for (let t = 1; t <= tasks; t++) {
    yaml += `    - name: loop ${t}\n      ansible.builtin.debug:\n        msg: "item {{ item }}"\n      loop: "{{ range(${items}) | list }}"\n`;
    if (pause) yaml += `      loop_control:\n        pause: ${pause}\n`;
  }
  return yaml;
}

/** A run that lasts `seconds` while emitting a trickle of events (figure 6: runs in flight). */
function slowTrickle(seconds) {
  const items = Math.round(seconds * 10);
  return `- hosts: all
  gather_facts: false
  tasks:
    - name: trickle
      ansible.builtin.debug:
        msg: "item {{ item }}"
      loop: "{{ range(${items}) | list }}"
      loop_control:
        pause: 0.1
`;
}

/**
 * A playbook for the synthetic worker (bench/fake-ansible/ansible-playbook): the marker line tells
 * the stand-in how many events to write and how fast; it never reaches Ansible.
 */
function synthetic({ events, rate = 0, hold = 0 }) {
  return `# bench-synthetic events=${events} rate=${rate} hold=${hold}\n- hosts: all\n  gather_facts: false\n  tasks: []\n`;
}

/** The same inventory the worker writes for a job (workspace.ts: every host under `all`, JSON). */
function inventory(hosts) {
  const names = hosts ? Array.from({ length: hosts }, (_, i) => `h${String(i + 1).padStart(4, '0')}`) : ['localhost'];
  return JSON.stringify({ all: { hosts: Object.fromEntries(names.map((n) => [n, LOCAL_HOST_VARS])), children: {} } }, null, 1);
}

/** Writes playbook + inventory into `dir` for the baselines; returns their paths. */
function writeFiles(dir, playbook, hosts) {
  fs.mkdirSync(dir, { recursive: true });
  const play = path.join(dir, 'play.yml');
  const inv = path.join(dir, 'inventory.yml');
  fs.writeFileSync(play, playbook);
  fs.writeFileSync(inv, inventory(hosts));
  return { play, inv };
}

module.exports = { TRIVIAL, eventLoop, slowTrickle, synthetic, inventory, writeFiles };
