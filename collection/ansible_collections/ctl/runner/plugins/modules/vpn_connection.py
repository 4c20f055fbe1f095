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
  - ctl.runner.state
options:
  name:
    description: The connection's name, unique in the account (what a host var C(rnr_vpn) names).
    type: str
    required: true
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

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import (
    RunnerModule, TaskFailure, ensure_absent, ensure_present, state_option)

KEPT = ('name', 'networks', 'gateway')


def main():
    rm = RunnerModule(dict(
        name=dict(type='str', required=True),
        state=state_option(),
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
    if current is None:
        if 'networks' not in want or 'gateway' not in want:
            raise TaskFailure('networks and gateway are required to create VPN connection %s' % p['name'])
        planned = want
        result = ensure_present(client, module, 'vpn_connection', view, None, planned, 'POST', base, want)
    elif dict(view(current), **want) != view(current):
        planned = dict(current, **want)
        result = ensure_present(client, module, 'vpn_connection', view, current, planned, 'PUT',
                                '%s/%s' % (base, current['id']), view(planned))
    else:
        return dict(changed=False, vpn_connection=current, **check(client, module, base, current))
    # This module's diff shows the connection as asked for, not as the API answered.
    result['diff']['after'] = view(planned)
    return dict(result, **check(client, module, base, result['vpn_connection']))


def check(client, module, base, connection):
    """With test=true (not in check mode), the gateway check of ``connection``, as ``test``."""
    if module.params['test'] and not module.check_mode:
        return dict(test=client.request('POST', '%s/%s/test' % (base, connection['id'])))
    return {}


if __name__ == '__main__':
    main()
