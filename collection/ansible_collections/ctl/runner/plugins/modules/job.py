#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: job
short_description: Create, change or delete a job of automation-runner
version_added: 0.1.0
description:
  - Manages a job of C(/v2/automation/jobs/{alias}), a stored playbook with its hosts and variables.
  - A job is found by I(job_id), or else by its I(description), which must then be unique in the account.
  - Options left out keep the job's current values (the module sends back what C(GET) returned, with the
    given options changed). A second identical run reports no change.
  - Use M(ctl.runner.job_run) to start it.
extends_documentation_fragment:
  - ctl.runner.connection
  - ctl.runner.state
  - ctl.runner.state.update_secrets
options:
  job_id:
    description: The job's id (a UUID). Without it the job is looked up by I(description).
    type: str
  description:
    description: The job's description; its name when I(job_id) is not given.
    type: str
  state:
    description: Whether the job should exist. C(absent) deletes it (with I(force), active runs are killed first).
  force:
    description: With I(state=absent), kill active executions instead of failing with the API's 409.
    type: bool
    default: false
  playbook:
    description:
      - The playbook's YAML text (a list of plays); the module base64-encodes it for the API.
      - A list (plays written as YAML in the task) is accepted as well and sent as JSON, which is YAML.
      - Ansible templates module options, so C({{ }}) in an inline playbook is resolved by the calling play; keep
        expressions for the job's own run inside C({% raw %}...{% endraw %}), or read the text with C(lookup('file', ...)).
      - Exactly one of I(playbook) and I(repository) when creating.
    type: raw
  repository:
    description:
      - A git repository instead of an inline playbook, in the API's spelling
        (C(url), C(branch), C(defaultPlaybook), C(credentials), C(playbookTags)).
      - C(credentials) are write-only; see I(update_secrets).
    type: dict
  playbook_tags:
    description: Run only these tags.
    type: list
    elements: str
  hosts:
    description:
      - Inventory hosts, each C(id) (the inventory name) with optional C(hostVars) (or C(host_vars)) and
        C(sshPrivateKey) (or C(ssh_private_key), the PEM text; the module base64-encodes it).
      - Ansible password variables in C(hostVars) are secrets, see I(update_secrets).
    type: list
    elements: dict
  properties:
    description: Extra vars for the whole job.
    type: dict
  secret_properties:
    description: Extra vars whose values are secrets (sealed, masked in output, shown as C($encrypted$)).
    type: dict
  vault_passwords:
    description:
      - Ansible Vault passwords by vault id (C(default) for content encrypted without one), the API's
        C(vaultPasswords); write-only, shown as C($encrypted$), see I(update_secrets).
    type: dict
  ssh_private_key:
    description: Default private key (PEM/OpenSSH text) for the hosts; write-only.
    type: str
  key_pair_alias:
    description: A stored key pair (M(ctl.runner.keypair)) the runs use.
    type: str
  use_dynamic_inventory:
    description: Add every registered server of the account (M(ctl.runner.server)) to the inventory.
    type: bool
  callbacks:
    description: Webhooks, C([{url, level}]).
    type: list
    elements: dict
  execution_ttl:
    description: Minutes a run may take before it is stopped.
    type: int
  limit:
    description: ansible-playbook C(--limit).
    type: str
  verbosity:
    description: ansible-playbook verbosity, 0-4.
    type: int
  run_check_mode:
    description: Runs of this job use ansible-playbook C(--check) (the API's C(checkMode)).
    type: bool
  forks:
    description: ansible-playbook C(--forks).
    type: int
  update_secrets:
    description:
      - Secrets (I(secret_properties), I(vault_passwords), password host vars, I(ssh_private_key), host keys, repository credentials)
        are write-only and can't be compared.
      - C(on_create) sends them when the job is created and keeps the stored ones afterwards (a new secret
        variable name is still sent); C(always) sends them on every run, which then always reports a change.
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- name: A job that pings the registered servers with the ops key
  ctl.runner.job:
    description: ping the fleet
    key_pair_alias: ops-key
    use_dynamic_inventory: true
    playbook: |
      - hosts: all
        gather_facts: false
        tasks:
          - ansible.builtin.ping:
  register: ping_job

- name: A job from git
  ctl.runner.job:
    description: deploy the app
    repository:
      url: https://git.example.com/ops/app.git
      branch: main
      defaultPlaybook: site.yml
    hosts:
      - id: web-1
        hostVars: {ansible_host: 10.0.0.5, ansible_user: deploy}
    properties: {release: "1.4.2"}

- name: Gone
  ctl.runner.job:
    description: ping the fleet
    state: absent
'''

RETURN = r'''
job:
  description: The job as the API returns it (no secrets; secret variables as C($encrypted$)).
  returned: when state is present
  type: dict
job_id:
  description: The job's id.
  returned: when the job exists (or, in check mode, existed)
  type: str
'''

import json

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import (
    ENCRYPTED, RunnerModule, TaskFailure, b64, ensure_present, keep_stored_secrets, secret_aware_equal, secret_update_option,
    state_option, unb64)

OPTION_FIELDS = [
    ('description', 'description'), ('playbook_tags', 'playbookTags'), ('properties', 'properties'),
    ('key_pair_alias', 'keyPairAlias'), ('use_dynamic_inventory', 'useDynamicInventory'), ('callbacks', 'callbacks'),
    ('execution_ttl', 'executionTtl'), ('limit', 'limit'), ('verbosity', 'verbosity'), ('run_check_mode', 'checkMode'),
    ('forks', 'forks'),
]
READ_ONLY = ('id', 'accountAlias', 'status', 'createdTime', 'lastUpdatedTime', 'links')


def main():
    rm = RunnerModule(dict(
        job_id=dict(type='str'),
        description=dict(type='str'),
        state=state_option(),
        force=dict(type='bool', default=False),
        playbook=dict(type='raw'),
        repository=dict(type='dict', no_log=False),
        playbook_tags=dict(type='list', elements='str'),
        hosts=dict(type='list', elements='dict'),
        properties=dict(type='dict'),
        secret_properties=dict(type='dict', no_log=True),
        vault_passwords=dict(type='dict', no_log=True),
        ssh_private_key=dict(type='str', no_log=True),
        key_pair_alias=dict(type='str', no_log=False),
        use_dynamic_inventory=dict(type='bool'),
        callbacks=dict(type='list', elements='dict'),
        execution_ttl=dict(type='int'),
        limit=dict(type='str'),
        verbosity=dict(type='int'),
        run_check_mode=dict(type='bool'),
        forks=dict(type='int'),
        update_secrets=secret_update_option(),
    ), supports_check_mode=True, required_one_of=[('job_id', 'description')], mutually_exclusive=[('playbook', 'repository')])
    rm.run(run)


def playbook_text(value):
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, indent=2)


def normal_hosts(hosts):
    out = []
    for h in hosts:
        if 'id' not in h:
            raise TaskFailure('every entry of hosts needs an id: %s' % sorted(h))
        host = dict(id=str(h['id']))
        host_vars = h.get('hostVars', h.get('host_vars'))
        if host_vars is not None:
            host['hostVars'] = host_vars
        key = h.get('sshPrivateKey', h.get('ssh_private_key'))
        if key:
            host['sshPrivateKey'] = key if not key.lstrip().startswith('-----') else b64(key)
        unknown = set(h) - set(['id', 'hostVars', 'host_vars', 'sshPrivateKey', 'ssh_private_key'])
        if unknown:
            raise TaskFailure('hosts entries take id, hostVars and sshPrivateKey, not %s' % ', '.join(sorted(unknown)))
        out.append(host)
    return out


def desired_fields(p):
    d = {}
    for option, field in OPTION_FIELDS:
        if p[option] is not None:
            d[field] = p[option]
    text = playbook_text(p['playbook'])
    if text is not None:
        d['playbook'] = b64(text)
    if p['repository'] is not None:
        repo = dict(p['repository'])
        if 'default_playbook' in repo:
            repo['defaultPlaybook'] = repo.pop('default_playbook')
        d['repository'] = repo
    if p['hosts'] is not None:
        d['hosts'] = normal_hosts(p['hosts'])
    if p['secret_properties'] is not None:
        d['secretProperties'] = p['secret_properties']
    if p['vault_passwords'] is not None:
        d['vaultPasswords'] = p['vault_passwords']
    if p['ssh_private_key'] is not None:
        key = p['ssh_private_key']
        d['sshPrivateKey'] = b64(key) if key.lstrip().startswith('-----') else key
    return d


# Fields whose every value is a secret, shown as $encrypted$ by the API.
SECRET_MAPS = ('secretProperties', 'vaultPasswords')


def differs(field, want, have, always):
    """Whether a desired field differs from the job's (secrets: see update_secrets)."""
    if field == 'playbook':
        return unb64(want) != unb64(have or '')
    if field == 'sshPrivateKey':
        return always
    if field in SECRET_MAPS:
        return always or not secret_aware_equal(want, have or {})
    if field == 'repository':
        have = dict(have or {})
        want = dict(want)
        creds = want.pop('credentials', None)
        has_creds = have.pop('hasCredentials', False)
        have.pop('credentials', None)
        if creds and (always or not has_creds):
            return True
        if 'ref' in want:
            want.setdefault('branch', want.pop('ref'))
        return any(want.get(k) != have.get(k) for k in want)
    if field == 'hosts':
        have = have or []
        if [h['id'] for h in want] != [h.get('id') for h in have]:
            return True
        for w, h in zip(want, have):
            if w.get('sshPrivateKey') and always:
                return True
            if always and any(v == ENCRYPTED for v in (h.get('hostVars') or {}).values()):
                return True
            if not secret_aware_equal(w.get('hostVars') or {}, h.get('hostVars') or {}):
                return True
        return False
    return want != have


def run(client, module):
    p = module.params
    always = p['update_secrets'] == 'always'
    current = client.find_job(p['job_id'], p['description'])
    if p['job_id'] and current is None and p['state'] == 'present':
        raise TaskFailure('no job %s in account %s (a job_id names an existing job; leave it out to create one)'
                          % (p['job_id'], client.account_alias))
    if p['state'] == 'absent':
        if current is None:
            return dict(changed=False)
        if not module.check_mode:
            client.request('DELETE', client.alias_path('/v2/automation/jobs', current['id'])
                           + ('?force=true' if p['force'] else ''))
        return dict(changed=True, job_id=current['id'], diff=dict(before=_view(current), after={}))

    want = desired_fields(p)
    if current is None:
        if 'playbook' not in want and 'repository' not in want:
            raise TaskFailure('a new job needs playbook or repository')
        return _with_id(module, ensure_present(client, module, 'job', _view, None, want, 'POST',
                                               client.alias_path('/v2/automation/jobs'), want))

    changed_fields = [f for f, v in want.items() if differs(f, v, current.get(f), always)]
    if not changed_fields:
        return dict(changed=False, job=current, job_id=current['id'])
    body = dict((k, v) for k, v in current.items() if k not in READ_ONLY)
    for field in changed_fields:
        value = want[field]
        if not always:
            if field in SECRET_MAPS:
                value = keep_stored_secrets(value, current.get(field) or {})
            elif field == 'hosts':
                by_id = dict((h.get('id'), h) for h in current.get('hosts') or [])
                value = [dict(h, hostVars=keep_stored_secrets(h['hostVars'], (by_id.get(h['id']) or {}).get('hostVars') or {}))
                         if 'hostVars' in h else h for h in value]
        body[field] = value
    after = dict(current, **dict((f, body[f]) for f in changed_fields))
    return _with_id(module, ensure_present(client, module, 'job', _view, current, after, 'PUT',
                                           client.alias_path('/v2/automation/jobs', current['id']), body))


def _with_id(module, result):
    """The result of a create or change with ``job_id``; in check mode its job is shown as in the diff."""
    if module.check_mode:
        result['job'] = _view(result['job'])
    if 'id' in result['job']:
        result['job_id'] = result['job']['id']
    return result


def _view(job):
    """A job for diffs: the playbook as text, secrets masked, no links or times."""
    out = {}
    for k, v in (job or {}).items():
        if k in ('links', 'createdTime', 'lastUpdatedTime'):
            continue
        if k == 'playbook' and isinstance(v, str):
            v = unb64(v)
        elif k == 'sshPrivateKey':
            v = ENCRYPTED
        elif k in SECRET_MAPS and isinstance(v, dict):
            v = dict((name, ENCRYPTED) for name in v)
        elif k == 'hosts' and isinstance(v, list):
            v = [dict((hk, (ENCRYPTED if hk == 'sshPrivateKey' else _mask_vars(hv) if hk == 'hostVars' else hv))
                      for hk, hv in h.items()) for h in v]
        elif k == 'repository' and isinstance(v, dict) and 'credentials' in v:
            v = dict(v, credentials=ENCRYPTED)
        out[k] = v
    return out


def _mask_vars(host_vars):
    """Password variables (ansible_password, ansible_become_pass, ...) masked, as the API shows them."""
    if not isinstance(host_vars, dict):
        return host_vars
    return dict((k, ENCRYPTED if 'pass' in k.lower() and v is not None else v) for k, v in host_vars.items())


if __name__ == '__main__':
    main()
