#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: keypair
short_description: Generate or import an SSH key pair in automation-runner and deploy it to servers
version_added: 0.1.0
description:
  - Manages a key pair of C(/v2/automation/keypairs/{alias}). Without I(public_key) the service generates one
    (C(ssh-keygen)); its private key is returned once, by the task that created it. With I(public_key) it is imported.
  - I(deploy_to) installs the public key for users of registered servers (their C(~/.ssh/authorized_keys));
    I(remove_from) takes it out again. The task waits for each deployment operation and fails with its message.
  - Only the users not yet deployed (or still deployed, for I(remove_from)) are sent, so a second identical run reports no change.
  - An existing generated key pair is never regenerated; remove it (I(state=absent)) to rotate it.
extends_documentation_fragment:
  - ctl.runner.connection
  - ctl.runner.state
options:
  alias:
    description: The key pair's alias in the account; jobs name it as C(keyPairAlias).
    type: str
    required: true
    aliases: [name]
  state:
    description: Whether the key pair should exist.
  type:
    description: Key type of a generated key pair (the service's default is C(ed25519)).
    type: str
    choices: [ed25519, rsa]
  bits:
    description: RSA size of a generated key pair, 3072 or 4096.
    type: int
  public_key:
    description:
      - An C(authorized_keys) line to import instead of generating. A different public key than the stored
        one replaces it.
    type: str
  private_key:
    description:
      - The matching private key of an imported key pair (OpenSSH or PEM, unencrypted), so jobs can use it.
      - Write-only; it is sent when the key pair is imported or its public key changes.
    type: str
  private_key_path:
    description:
      - Where to write a newly generated private key (mode 0600) instead of returning it as C(private_key).
        Written on the host the module runs on.
    type: path
  deploy_to:
    description: Servers and users the public key should be installed for.
    type: list
    elements: dict
    suboptions: &targets
      server:
        description: The server's name.
        type: str
        required: true
      usernames:
        description: Unix users.
        type: list
        elements: str
        required: true
  remove_from:
    description: Servers and users the public key should not be installed for.
    type: list
    elements: dict
    suboptions: *targets
  wait_timeout:
    description: Seconds to wait for each deployment or removal.
    type: int
    default: 120
notes:
  - The generated private key is in this task's result only (unless I(private_key_path) is given); put C(no_log=true)
    on the task, and keep it with C(register) only as long as you need it. Jobs do not need it, they use C(keyPairAlias).
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- name: Generate a key pair and install it for the deploy user of web-1
  ctl.runner.keypair:
    alias: ops-key
    deploy_to:
      - server: web-1
        usernames: [deploy]
    private_key_path: "{{ playbook_dir }}/ops-key"
  no_log: true

- name: Import an existing key
  ctl.runner.keypair:
    alias: ci-key
    public_key: "{{ lookup('file', 'ci-key.pub') }}"
    private_key: "{{ lookup('file', 'ci-key') }}"
  no_log: true

- name: No longer for deploy on web-1
  ctl.runner.keypair:
    alias: ops-key
    remove_from:
      - server: web-1
        usernames: [deploy]
'''

RETURN = r'''
keypair:
  description: The key pair as the API returns it (without the private key), with C(deployedServers) after the task.
  returned: when state is present
  type: dict
  sample: {alias: ops-key, type: ed25519, publicKey: ssh-ed25519 AAAA..., fingerprint: "SHA256:...", deployedServers: [{serverId: web-1, usernames: [deploy]}]}
private_key:
  description: The private key the service generated, only from the task that generated it and only without I(private_key_path).
  returned: when a key pair was generated
  type: str
operations:
  description: The deployment and removal operations the task waited for.
  returned: when some ran
  type: list
  elements: dict
'''

import os

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import (
    RunnerModule, TaskFailure, ensure_state, state_option)


def target_spec():
    return dict(type='list', elements='dict', options=dict(
        server=dict(type='str', required=True),
        usernames=dict(type='list', elements='str', required=True),
    ))


def main():
    rm = RunnerModule(dict(
        alias=dict(type='str', required=True, aliases=['name']),
        state=state_option(),
        type=dict(type='str', choices=['ed25519', 'rsa']),
        bits=dict(type='int'),
        public_key=dict(type='str'),
        private_key=dict(type='str', no_log=True),
        private_key_path=dict(type='path', no_log=False),
        deploy_to=target_spec(),
        remove_from=target_spec(),
        wait_timeout=dict(type='int', default=120),
    ), supports_check_mode=True)
    rm.run(run)


def key_of(line):
    return ' '.join((line or '').split()[:2])


def run(client, module):
    return ensure_state(client, module, client.alias_path('/v2/automation/keypairs', module.params['alias']), _view, present)


def present(client, module, path, current):
    p = module.params
    result = dict(changed=False)
    operations = []
    deployed = {}
    before = _view(current) if current else {}
    if current is not None:
        for entry in current.get('deployedServers') or []:
            deployed[entry['serverId']] = set(entry.get('usernames') or [])

    to_deploy = []
    for target in p['deploy_to'] or []:
        missing = [u for u in target['usernames'] if u not in deployed.get(target['server'], set())]
        if missing:
            to_deploy.append(dict(serverId=target['server'], usernames=missing))
    to_remove = []
    for target in p['remove_from'] or []:
        present = [u for u in target['usernames'] if u in deployed.get(target['server'], set())]
        if present:
            to_remove.append(dict(serverId=target['server'], usernames=present))

    if current is None:
        result['changed'] = True
        if module.check_mode:
            after = dict(alias=p['alias'], deployedServers=to_deploy)
            if p['public_key']:
                after['publicKey'] = p['public_key']
            return dict(changed=True, keypair=after, diff=dict(before={}, after=after))
        if p['public_key']:
            body = dict(publicKey=p['public_key'])
            if p['private_key']:
                body['privateKey'] = p['private_key']
            if to_deploy:
                body['deployToServers'] = to_deploy
            created = client.request('PUT', path, body)
        else:
            body = {}
            if p['type']:
                body['type'] = p['type']
            if p['bits']:
                body['bits'] = p['bits']
            if to_deploy:
                body['deployToServers'] = to_deploy
            created = client.request('POST', path, body)
            private_key = created.pop('privateKey', None)
            if p['private_key_path']:
                write_private(p['private_key_path'], private_key)
            else:
                result['private_key'] = private_key
        for queued in created.get('deployedServers') or []:
            if queued.get('operation'):
                operations.append(wait(client, queued['operation'], queued, 'deploy', p['wait_timeout']))
        to_deploy = []
    elif p['public_key'] and key_of(p['public_key']) != key_of(current.get('publicKey')):
        result['changed'] = True
        if not module.check_mode:
            body = dict(publicKey=p['public_key'])
            if p['private_key']:
                body['privateKey'] = p['private_key']
            client.request('PUT', path, body)

    for target in to_deploy:
        result['changed'] = True
        if not module.check_mode:
            answer = client.request('POST', path + '/' + target['serverId'], dict(usernames=target['usernames']))
            operations.append(wait(client, status_href(answer), target, 'deploy', p['wait_timeout']))
    for target in to_remove:
        result['changed'] = True
        if not module.check_mode:
            answer = client.request('DELETE', path + '/' + target['serverId'], dict(usernames=target['usernames']))
            operations.append(wait(client, status_href(answer), target, 'remove', p['wait_timeout']))

    if operations:
        result['operations'] = operations
    if module.check_mode:
        after = dict(before)
        servers = dict((k, set(v)) for k, v in deployed.items())
        for t in to_deploy:
            servers.setdefault(t['serverId'], set()).update(t['usernames'])
        for t in to_remove:
            servers.get(t['serverId'], set()).difference_update(t['usernames'])
        after['deployedServers'] = [dict(serverId=s, usernames=sorted(u)) for s, u in sorted(servers.items()) if u]
        if p['public_key']:
            after['publicKey'] = p['public_key']
        result['keypair'] = after
        result['diff'] = dict(before=before, after=after)
        return result
    final = client.request('GET', path)
    result['keypair'] = final
    if result['changed']:
        result['diff'] = dict(before=before, after=_view(final))
    return result


def status_href(answer):
    for link in (answer or {}).get('links') or []:
        if link.get('rel') == 'status':
            return link['href']
    raise TaskFailure('the API accepted the operation but gave no status link: %s' % answer)


def wait(client, href, target, verb, timeout):
    done = client.wait_operation(href, timeout)
    if done.get('status') != 'succeeded':
        raise TaskFailure('could not %s the key for %s on server %s: %s'
                          % (verb, ', '.join(target['usernames']), target['serverId'], done.get('message')), operation=done)
    return dict(serverId=target['serverId'], usernames=target['usernames'], action=verb, status=done.get('status'))


def write_private(dest, key):
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key.encode('utf-8'))
    finally:
        os.close(fd)
    os.chmod(dest, 0o600)


def _view(keypair):
    return dict((k, v) for k, v in (keypair or {}).items() if k in ('alias', 'type', 'publicKey', 'fingerprint', 'deployedServers'))


if __name__ == '__main__':
    main()
