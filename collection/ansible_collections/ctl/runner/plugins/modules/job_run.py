#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: job_run
short_description: Start, stop, kill or restart a run (execution) of an automation-runner job
version_added: 0.1.0
description:
  - C(action=start) starts the job (C(POST .../start)) and, with I(wait), follows the run to its end. It
    always reports a change (every start is a new run) and fails the task when the run did not end in
    C(SUCCESS), unless I(fail_on_failure=false).
  - C(action=stop) and C(action=kill) end the run I(execution_id); a run that has already ended is left
    alone (no change). C(action=restart) re-runs a C(FAILURE) run against its failed hosts.
extends_documentation_fragment:
  - ctl.runner.connection
  - ctl.runner.job
options:
  action:
    description: What to do.
    type: str
    choices: [start, stop, kill, restart]
    default: start
  execution_id:
    description: The run to stop, kill or restart.
    type: str
  hosts:
    description: C(start) and C(restart) only; run on these of the job's hosts (C([{id, sshPrivateKey?}])).
    type: list
    elements: dict
  properties:
    description: C(start) only; extra vars for this run.
    type: dict
  ssh_private_key:
    description: A private key (PEM text) for this run only.
    type: str
  expiry_duration:
    description: C(stop) only; seconds the run gets to stop gracefully (the API's C(expiryDuration)).
    type: int
  wait:
    description: Wait for the run to end (C(start), C(restart)) or to be stopped or killed.
    type: bool
    default: true
  timeout:
    description: Seconds to wait; on timeout the task fails and the run goes on.
    type: int
    default: 600
  poll_interval:
    description: Seconds between two looks at the run.
    type: float
    default: 1
  fail_on_failure:
    description: Fail the task when the run ended in anything but C(SUCCESS) (after I(wait)).
    type: bool
    default: true
  return_stdout:
    description: Add the run's transcript (what ansible-playbook printed) to the result as C(stdout).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    details: In check mode nothing is started, stopped or killed; a start reports a change.
  diff_mode:
    support: none
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- name: Run the job and wait for it
  ctl.runner.job_run:
    job_id: "{{ ping_job.job_id }}"
    timeout: 900
  register: run

- name: Use what the run published with set_stats
  ansible.builtin.debug:
    msg: "build {{ run.artifacts.run.build_id }}"

- name: Start without waiting, then kill it
  ctl.runner.job_run:
    job_description: long job
    wait: false
  register: started
- ctl.runner.job_run:
    job_description: long job
    action: kill
    execution_id: "{{ started.execution_id }}"
'''

RETURN = r'''
execution_id:
  description: The run's id.
  returned: unless in check mode with action=start
  type: str
status:
  description: The run's status when the task ended (C(SUCCESS), C(FAILURE), C(PENDING), ...).
  returned: unless in check mode with action=start
  type: str
failed_hosts:
  description: Hosts that failed or were unreachable.
  returned: unless in check mode with action=start
  type: list
  elements: str
host_summaries:
  description: Per host C({ok, changed, failures, unreachable, skipped, rescued, ignored}).
  returned: unless in check mode with action=start
  type: dict
reason:
  description: Why a run failed or was stopped, as the service says.
  returned: when the service gave one
  type: str
artifacts:
  description:
    - What the run's playbook published with C(ansible.builtin.set_stats) (masked like its records), once
      the run has ended (I(wait)); C(run) holds the aggregate (C(per_host=false)), C(hosts) each host's.
    - C({omitted}) saying why when it was over the service's C(RUNNER_MAX_ARTIFACTS_KB).
  returned: when the playbook published any
  type: dict
  sample: {run: {build_id: 42}, hosts: {web1: {port: 8080}}}
execution:
  description: The whole execution document.
  returned: unless in check mode with action=start
  type: dict
stdout:
  description: The run's transcript.
  returned: with return_stdout
  type: str
'''

import time

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import (
    TERMINAL_STATUSES, RunnerModule, TaskFailure, b64)


def main():
    rm = RunnerModule(dict(
        job_id=dict(type='str'),
        job_description=dict(type='str'),
        action=dict(type='str', choices=['start', 'stop', 'kill', 'restart'], default='start'),
        execution_id=dict(type='str'),
        hosts=dict(type='list', elements='dict'),
        properties=dict(type='dict'),
        ssh_private_key=dict(type='str', no_log=True),
        expiry_duration=dict(type='int'),
        wait=dict(type='bool', default=True),
        timeout=dict(type='int', default=600),
        poll_interval=dict(type='float', default=1),
        fail_on_failure=dict(type='bool', default=True),
        return_stdout=dict(type='bool', default=False),
    ), supports_check_mode=True, required_one_of=[('job_id', 'job_description')],
        required_if=[('action', 'stop', ['execution_id']), ('action', 'kill', ['execution_id']), ('action', 'restart', ['execution_id'])])
    rm.run(run)


def key_body(p):
    body = {}
    if p['hosts'] is not None:
        body['hosts'] = p['hosts']
    if p['ssh_private_key']:
        key = p['ssh_private_key']
        body['sshPrivateKey'] = b64(key) if key.lstrip().startswith('-----') else key
    return body


def run(client, module):
    p = module.params
    job = client.find_job(p['job_id'], p['job_description'])
    if job is None:
        raise TaskFailure('no job %s in account %s' % (p['job_id'] or repr(p['job_description']), client.account_alias))
    base = client.alias_path('/v2/automation/jobs', job['id'])
    action = p['action']

    if action == 'start':
        if module.check_mode:
            return dict(changed=True, job_id=job['id'], msg='would start a run of job %s' % job['id'])
        body = key_body(p)
        if p['properties'] is not None:
            body['properties'] = p['properties']
        execution = client.request('POST', base + '/start', body)
        return finish(client, module, base, execution, wait_for=TERMINAL_STATUSES, changed=True)

    path = '%s/executions/%s' % (base, p['execution_id'])
    execution = client.request('GET', path)
    status = execution.get('status')
    if action == 'restart':
        if status != 'FAILURE':
            raise TaskFailure('run %s is %s; only a FAILURE run can be restarted' % (p['execution_id'], status), execution=execution)
        if module.check_mode:
            return summary(dict(changed=True), execution)
        execution = client.request('POST', path + '/restart', key_body(p))
        return finish(client, module, base, execution, wait_for=TERMINAL_STATUSES, changed=True)

    # stop / kill
    if status in TERMINAL_STATUSES or (action == 'stop' and status == 'STOPPING') or (action == 'kill' and status == 'KILLING'):
        if p['wait'] and status not in TERMINAL_STATUSES and not module.check_mode:
            return finish(client, module, base, execution, wait_for=TERMINAL_STATUSES, changed=False, judge=False)
        return summary(dict(changed=False), execution)
    if module.check_mode:
        return summary(dict(changed=True), execution)
    body = {}
    if action == 'stop' and p['expiry_duration'] is not None:
        body['expiryDuration'] = p['expiry_duration']
    execution = client.request('POST', '%s/%s' % (path, action), body)
    return finish(client, module, base, execution, wait_for=TERMINAL_STATUSES, changed=True, judge=False)


def finish(client, module, base, execution, wait_for, changed, judge=True):
    p = module.params
    path = '%s/executions/%s' % (base, execution['execution_id'])
    if p['wait']:
        deadline = time.time() + p['timeout']
        while execution.get('status') not in wait_for:
            if time.time() > deadline:
                raise TaskFailure('run %s is still %s after %d seconds (it goes on; stop or kill it with action=stop|kill)'
                                  % (execution['execution_id'], execution.get('status'), p['timeout']),
                                  changed=changed, execution_id=execution['execution_id'], status=execution.get('status'))
            time.sleep(p['poll_interval'])
            execution = client.request('GET', path)
    result = summary(dict(changed=changed), execution)
    if p['return_stdout']:
        result['stdout'] = client.request('GET', path + '/stdout', accept_json=False, raw=True)
    if judge and p['wait'] and p['fail_on_failure'] and execution.get('status') != 'SUCCESS':
        raise TaskFailure('run %s ended %s%s' % (execution['execution_id'], execution.get('status'),
                                                 ': %s' % execution['reason'] if execution.get('reason') else ''), **dict(
            (k, v) for k, v in result.items()))
    return result


def summary(result, execution):
    result.update(
        execution_id=execution.get('execution_id'),
        job_id=execution.get('job_id'),
        status=execution.get('status'),
        failed_hosts=execution.get('failed_hosts') or [],
        host_summaries=execution.get('host_summaries') or {},
        execution=execution,
    )
    if execution.get('reason'):
        result['reason'] = execution['reason']
    if execution.get('artifacts'):
        result['artifacts'] = execution['artifacts']
    return result


if __name__ == '__main__':
    main()
