#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: service_account
short_description: Manage a service account (the user scheduled runs act as) of automation-runner
version_added: 0.1.0
description:
  - Manages C(/v2/automation/serviceAccounts/{alias}/{serviceAccountAlias}).
extends_documentation_fragment:
  - ctl.runner.connection
  - ctl.runner.state
  - ctl.runner.state.update_password
options:
  alias:
    description: The service account's alias.
    type: str
    required: true
    aliases: [name]
  username:
    description: The user scheduled runs act as (of the account or a sub-account). Required to create one.
    type: str
  password:
    description: That user's password; write-only, see I(update_password). Required to create one.
    type: str
  update_password:
    description:
      - C(on_create) sends I(password) only when creating (or when I(username) changes); C(always) on every run,
        which always reports a change.
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- ctl.runner.service_account:
    alias: nightly
    username: scheduler
    password: "{{ scheduler_password }}"
'''

RETURN = r'''
service_account:
  description: The service account as the API returns it (never the password).
  returned: when state is present
  type: dict
  sample: {alias: nightly, username: scheduler}
'''

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import (
    RunnerModule, TaskFailure, ensure_present, ensure_state, secret_update_option, state_option)


def main():
    rm = RunnerModule(dict(
        alias=dict(type='str', required=True, aliases=['name']),
        state=state_option(),
        username=dict(type='str'),
        password=dict(type='str', no_log=True),
        update_password=secret_update_option(),
    ), supports_check_mode=True)
    rm.run(run)


def view(sa):
    return dict((k, v) for k, v in (sa or {}).items() if k in ('alias', 'username'))


def run(client, module):
    return ensure_state(client, module, client.alias_path('/v2/automation/serviceAccounts', module.params['alias']), view, present)


def present(client, module, path, current):
    p = module.params
    if current is None:
        if not p['username'] or not p['password']:
            raise TaskFailure('username and password are required to create service account %s' % p['alias'])
        body = dict(alias=p['alias'], username=p['username'], password=p['password'])
        return ensure_present(client, module, 'service_account', view, None, view(body),
                              'POST', client.alias_path('/v2/automation/serviceAccounts'), body)
    username = p['username'] or current['username']
    send_password = p['password'] is not None and (p['update_password'] == 'always' or username != current['username'])
    if username == current['username'] and not send_password:
        return dict(changed=False, service_account=current)
    body = dict(username=username)
    if send_password:
        body['password'] = p['password']
    return ensure_present(client, module, 'service_account', view, current, dict(view(current), username=username), 'PUT', path, body)


if __name__ == '__main__':
    main()
