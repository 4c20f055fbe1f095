#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: schedule_info
short_description: Read the schedules of an automation-runner job
version_added: 0.1.0
description:
  - Lists the schedules of a job, or reads one by I(schedule_id).
extends_documentation_fragment:
  - ctl.runner.connection
  - ctl.runner.info
  - ctl.runner.job.id
options:
  job_id:
    required: true
  schedule_id:
    description: One schedule's id.
    type: str
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- ctl.runner.schedule_info:
    job_id: "{{ job.job_id }}"
'''

RETURN = r'''
schedules:
  description: The schedules, each with C(trigger) and C(nextRunTime).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import run_info_module


def main():
    run_info_module(dict(job_id=dict(type='str', required=True), schedule_id=dict(type='str')), 'schedules',
                    lambda client, p: (client.alias_path('/v2/automation/jobs', p['job_id'], 'schedules'), p['schedule_id'], None))


if __name__ == '__main__':
    main()
