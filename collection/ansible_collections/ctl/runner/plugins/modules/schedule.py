#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: schedule
short_description: Manage a schedule of an automation-runner job
version_added: 0.1.0
description:
  - Manages C(/v2/automation/jobs/{alias}/{jobId}/schedules). A schedule is found by I(schedule_id), or else by
    its I(description) among the job's schedules (which must then be unique).
extends_documentation_fragment:
  - ctl.runner.connection
  - ctl.runner.state
  - ctl.runner.job
options:
  job_description:
    description: The job's description, when I(job_id) is not given.
  schedule_id:
    description: The schedule's id.
    type: str
  description:
    description: The schedule's description; its name when I(schedule_id) is not given.
    type: str
  service_account_alias:
    description: The service account the runs act as (M(ctl.runner.service_account)). Required to create one.
    type: str
  cron:
    description: Five-field cron expression in UTC. One of I(cron) and I(date) to create one.
    type: str
  date:
    description: ISO-8601 date-time in the future; fires once.
    type: str
  enabled:
    description: C(false) pauses the schedule.
    type: bool
  overlap:
    description: While the previous scheduled run is active, C(allow), C(skip) or C(queue) a fire.
    type: str
    choices: [allow, skip, queue]
  catch_up:
    description: Fire times missed while no worker ran, C(one) run for all or C(none).
    type: str
    choices: [one, none]
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- ctl.runner.schedule:
    job_description: ping the fleet
    description: every night
    service_account_alias: nightly
    cron: "30 2 * * *"
    overlap: skip
'''

RETURN = r'''
schedule:
  description: The schedule as the API returns it, with C(nextRunTime).
  returned: when state is present
  type: dict
'''

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import (
    RunnerModule, TaskFailure, ensure_absent, ensure_present, state_option)

KEPT = ('description', 'serviceAccountAlias', 'trigger', 'enabled', 'overlap', 'catchUp')


def main():
    rm = RunnerModule(dict(
        job_id=dict(type='str'),
        job_description=dict(type='str'),
        schedule_id=dict(type='str'),
        description=dict(type='str'),
        state=state_option(),
        service_account_alias=dict(type='str'),
        cron=dict(type='str'),
        date=dict(type='str'),
        enabled=dict(type='bool'),
        overlap=dict(type='str', choices=['allow', 'skip', 'queue']),
        catch_up=dict(type='str', choices=['one', 'none']),
    ), supports_check_mode=True, required_one_of=[('job_id', 'job_description'), ('schedule_id', 'description')],
        mutually_exclusive=[('cron', 'date')])
    rm.run(run)


def view(s):
    return dict((k, v) for k, v in (s or {}).items() if k in KEPT)


def run(client, module):
    p = module.params
    job = client.find_job(p['job_id'], p['job_description'])
    if job is None:
        raise TaskFailure('no job %s in account %s' % (p['job_id'] or repr(p['job_description']), client.account_alias))
    base = client.alias_path('/v2/automation/jobs', job['id'], 'schedules')
    if p['schedule_id']:
        current = client.get_or_none('%s/%s' % (base, p['schedule_id']))
    else:
        found = [s for s in client.list_all(base) if s.get('description') == p['description']]
        if len(found) > 1:
            raise TaskFailure('%d schedules of job %s have the description %r; name one with schedule_id'
                              % (len(found), job['id'], p['description']))
        current = found[0] if found else None
    if p['state'] == 'absent':
        return ensure_absent(client, module, '%s/%s' % (base, (current or {}).get('id')), current, view)
    want = {}
    for option, field in (('description', 'description'), ('service_account_alias', 'serviceAccountAlias'),
                          ('enabled', 'enabled'), ('overlap', 'overlap'), ('catch_up', 'catchUp')):
        if p[option] is not None:
            want[field] = p[option]
    if p['cron']:
        want['trigger'] = dict(type='cron', expression=p['cron'])
    elif p['date']:
        want['trigger'] = dict(type='date', expression=p['date'])
    if current is None:
        if 'serviceAccountAlias' not in want or 'trigger' not in want:
            raise TaskFailure('service_account_alias and cron or date are required to create a schedule')
        return ensure_present(client, module, 'schedule', view, None, want, 'POST', base, want)
    after = dict(view(current), **want)
    if after == view(current):
        return dict(changed=False, schedule=current)
    return ensure_present(client, module, 'schedule', view, current, dict(current, **want), 'PUT', '%s/%s' % (base, current['id']), after)


if __name__ == '__main__':
    main()
