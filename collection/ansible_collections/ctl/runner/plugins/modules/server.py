#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: server
short_description: Register, change or remove a server record of automation-runner
version_added: 0.1.0
description:
  - Manages a server of C(/v2/servers/{alias}), a machine that jobs target (with C(useDynamicInventory))
    and that key pairs are deployed to.
  - A new server is created with C(POST); an existing one is changed with one C(PATCH) that sets only the
    members that differ, so a second identical run reports no change.
extends_documentation_fragment:
  - ctl.runner.connection
  - ctl.runner.state
  - ctl.runner.state.update_password
options:
  name:
    description: The server's name, unique in the account; also its inventory name.
    type: str
    required: true
  state:
    description: Whether the server should be registered.
  description:
    description: Free text.
    type: str
  ip_address:
    description: IPv4 or IPv6 address. Required to create a server.
    type: str
  port:
    description: SSH port (the service's default is 22).
    type: int
  group:
    description: Group name (the service's default is C(Default Group)); runs and the inventory plugin group by it.
    type: str
  location_id:
    description: Location (data center) id; runs and the inventory plugin group by it.
    type: str
  os:
    description: Operating system, informational.
    type: str
  username:
    description: SSH user jobs and key deployments log in as (the service's default is C(root)).
    type: str
  password:
    description:
      - Bootstrap password of I(username), used for the first key deployment only.
      - Write-only; see I(update_password).
    type: str
  update_password:
    description:
      - C(on_create) sets I(password) when the server has none stored, and otherwise keeps the stored one
        (the API never returns it, so it can't be compared); C(always) sends it on every run, which always reports a change.
  host_vars:
    description:
      - Variables of this host in runs with C(useDynamicInventory) and in the C(ctl.runner.servers) inventory.
      - The whole set is replaced when it differs. Ansible password variables (C(ansible_password), ...) are
        secrets the API shows as C($encrypted$); with I(update_password=on_create) a stored one is kept.
    type: dict
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- name: Register the web server, with a bootstrap password for the first key deployment
  ctl.runner.server:
    name: web-1
    ip_address: 10.0.0.5
    username: deploy
    password: "{{ deploy_password }}"
    group: Web
    location_id: LAB1
    host_vars:
      ansible_python_interpreter: /usr/bin/python3

- name: Remove it
  ctl.runner.server:
    name: web-1
    state: absent
'''

RETURN = r'''
server:
  description: The server as the API returns it after the task (absent after I(state=absent)); never a password.
  returned: when state is present
  type: dict
  sample: {name: web-1, ipAddress: 10.0.0.5, port: 22, group: Web, locationId: LAB1, username: deploy, hasPassword: true, hostVars: {}}
'''

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import (
    RunnerModule, TaskFailure, ensure_present, ensure_state, keep_stored_secrets, secret_aware_equal, secret_update_option,
    state_option)

FIELDS = [('description', 'description'), ('ip_address', 'ipAddress'), ('port', 'port'), ('group', 'group'),
          ('location_id', 'locationId'), ('os', 'os'), ('username', 'username')]


def main():
    rm = RunnerModule(dict(
        name=dict(type='str', required=True),
        state=state_option(),
        description=dict(type='str'),
        ip_address=dict(type='str'),
        port=dict(type='int'),
        group=dict(type='str'),
        location_id=dict(type='str'),
        os=dict(type='str'),
        username=dict(type='str'),
        password=dict(type='str', no_log=True),
        update_password=secret_update_option(),
        host_vars=dict(type='dict'),
    ), supports_check_mode=True)
    rm.run(run)


def run(client, module):
    return ensure_state(client, module, client.alias_path('/v2/servers', module.params['name']), _view, present)


def present(client, module, path, current):
    p = module.params
    if current is None:
        if not p['ip_address']:
            raise TaskFailure('ip_address is required to register server %s' % p['name'])
        body = dict(name=p['name'])
        for option, member in FIELDS:
            if p[option] is not None:
                body[member] = p[option]
        if p['password'] is not None:
            body['password'] = p['password']
        if p['host_vars'] is not None:
            body['hostVars'] = p['host_vars']
        after = dict((k, v) for k, v in body.items() if k != 'password')
        if p['password'] is not None:
            after['hasPassword'] = True
        return ensure_present(client, module, 'server', _view, None, after, 'POST', client.alias_path('/v2/servers'), body)

    ops = []
    for option, member in FIELDS:
        if p[option] is not None and p[option] != current.get(member):
            ops.append(dict(op='set', member=member, value=p[option]))
    if p['password'] is not None and (p['update_password'] == 'always' or not current.get('hasPassword')):
        ops.append(dict(op='set', member='password', value=p['password']))
    if p['host_vars'] is not None:
        stored = current.get('hostVars') or {}
        wanted = p['host_vars'] if p['update_password'] == 'always' else keep_stored_secrets(p['host_vars'], stored)
        always_secret = p['update_password'] == 'always' and any(v == '$encrypted$' for v in stored.values())
        if not secret_aware_equal(wanted, stored) or always_secret:
            ops.append(dict(op='set', member='hostVars', value=wanted))
    if not ops:
        return dict(changed=False, server=current)
    after = dict(current)
    for op in ops:
        after[op['member']] = op['value'] if op['member'] != 'password' else None
    if any(op['member'] == 'password' for op in ops):
        after.pop('password', None)
        after['hasPassword'] = True
    return ensure_present(client, module, 'server', _view, current, after, 'PATCH', path, ops)


def _view(server):
    """What a diff shows: the members that describe the server, no links or times, no password."""
    skip = ('links', 'createdTime', 'lastUpdatedTime', 'password')
    return dict((k, v) for k, v in server.items() if k not in skip)


if __name__ == '__main__':
    main()
