#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: execution_info
short_description: Read runs (executions) of automation-runner jobs
version_added: 0.1.0
description:
  - Reads one run by I(job_id) and I(execution_id), the runs of one job, or the runs of the whole account (filtered by I(status)).
  - With I(stdout), also its transcript.
extends_documentation_fragment:
  - ctl.runner.connection
  - ctl.runner.info
  - ctl.runner.job.id
options:
  execution_id:
    description: One run's id (needs I(job_id)).
    type: str
  status:
    description: Only runs in this status (account-wide and per-job lists).
    type: str
  stdout:
    description: With I(execution_id), add the run's transcript as C(stdout).
    type: bool
    default: false
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- ctl.runner.execution_info:
    job_id: "{{ job.job_id }}"
    execution_id: "{{ run.execution_id }}"
    stdout: true
  register: ran
'''

RETURN = r'''
executions:
  description: The runs, each with C(execution_id), C(status), C(failed_hosts), C(host_summaries), C(reason), C(timers).
  returned: always
  type: list
  elements: dict
stdout:
  description: The transcript of the run.
  returned: with stdout and execution_id
  type: str
'''

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import RunnerModule, q, read_info


def main():
    rm = RunnerModule(dict(job_id=dict(type='str'), execution_id=dict(type='str'), status=dict(type='str'), stdout=dict(type='bool', default=False)), required_by=dict(execution_id=['job_id']), supports_check_mode=True)
    rm.run(run)


def run(client, module):
    p = module.params
    path = client.alias_path('/v2/automation/jobs', *([p['job_id'], 'executions'] if p['job_id'] else ['executions']))
    if p['execution_id']:
        result = read_info(client, path, p['execution_id'], 'executions')
        if result['executions'] and p['stdout']:
            result['stdout'] = client.request('GET', '%s/%s/stdout' % (path, q(p['execution_id'])), accept_json=False, raw=True)
        return result
    if p['status']:
        path += '?status=' + q(p['status'])
    return read_info(client, path, None, 'executions', dict(status=p['status']) if p['status'] else None)


if __name__ == '__main__':
    main()
