#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: vpn_connection
short_description: Manage a VPN connection (an SSH gateway and the networks behind it) of automation-runner
version_added: 0.1.0
description:
  - Manages a connection of C(/v2/automation/vpn/{alias}), found by its I(name). Runs whose hosts are in
    I(networks) go through the gateway.
  - With I(test=true) the service checks the gateway (C(POST .../test)) and the result is returned; that check
    does not count as a change.
extends_documentation_fragment:
  - ctl.runner.connection
options:
  name:
    description: The connection's name, unique in the account (what a host var C(rnr_vpn) names).
    type: str
    required: true
  state:
    description: Whether it should exist.
    type: str
    choices: [present, absent]
    default: present
  networks:
    description: IPv4/IPv6 CIDRs reached through the gateway. Required to create one.
    type: list
    elements: str
  gateway:
    description: The SSH gateway. Required to create one.
    type: dict
    suboptions:
      host:
        description: Address or DNS name.
        type: str
        required: true
      port:
        description: SSH port.
        type: int
        default: 22
      username:
        description: User on the gateway.
        type: str
        required: true
      key_pair_alias:
        description: A stored key pair (with its private key) the service logs in with.
        type: str
        required: true
  test:
    description: Check the gateway after the change and return C(test).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- ctl.runner.vpn_connection:
    name: east
    networks: [10.20.0.0/16]
    gateway: {host: 203.0.113.7, username: jump, key_pair_alias: gw-key}
    test: true
'''

RETURN = r'''
vpn_connection:
  description: The connection as the API returns it.
  returned: when state is present
  type: dict
test:
  description: The gateway check, C({status, latencyMs, message}).
  returned: with test=true (not in check mode)
  type: dict
'''

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import RunnerModule, TaskFailure, ensure_absent

KEPT = ('name', 'networks', 'gateway')


def main():
    rm = RunnerModule(dict(
        name=dict(type='str', required=True),
        state=dict(type='str', choices=['present', 'absent'], default='present'),
        networks=dict(type='list', elements='str'),
        gateway=dict(type='dict', options=dict(
            host=dict(type='str', required=True),
            port=dict(type='int', default=22),
            username=dict(type='str', required=True),
            key_pair_alias=dict(type='str', required=True, no_log=False),
        )),
        test=dict(type='bool', default=False),
    ), supports_check_mode=True)
    rm.run(run)


def view(c):
    return dict((k, v) for k, v in (c or {}).items() if k in KEPT)


def run(client, module):
    p = module.params
    base = client.alias_path('/v2/automation/vpn')
    found = [c for c in client.list_all(base) if c.get('name') == p['name']]
    current = found[0] if found else None
    if p['state'] == 'absent':
        return ensure_absent(client, module, '%s/%s' % (base, (current or {}).get('id')), current, view)
    want = dict(name=p['name'])
    if p['networks'] is not None:
        want['networks'] = p['networks']
    if p['gateway'] is not None:
        g = p['gateway']
        want['gateway'] = dict(host=g['host'], port=g['port'], username=g['username'], keyPairAlias=g['key_pair_alias'])
    result = dict(changed=False)
    if current is None:
        if 'networks' not in want or 'gateway' not in want:
            raise TaskFailure('networks and gateway are required to create VPN connection %s' % p['name'])
        result.update(changed=True, diff=dict(before={}, after=want))
        if module.check_mode:
            return dict(result, vpn_connection=want)
        current = client.request('POST', base, want)
    else:
        after = dict(view(current), **want)
        if after != view(current):
            result.update(changed=True, diff=dict(before=view(current), after=after))
            if module.check_mode:
                return dict(result, vpn_connection=dict(current, **want))
            current = client.request('PUT', '%s/%s' % (base, current['id']), after)
    result['vpn_connection'] = current
    if p['test'] and not module.check_mode:
        result['test'] = client.request('POST', '%s/%s/test' % (base, current['id']))
    return result


if __name__ == '__main__':
    main()
