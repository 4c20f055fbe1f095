#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: job_info
short_description: Read the jobs of an automation-runner account
version_added: 0.1.0
description:
  - Lists the jobs of C(/v2/automation/jobs/{alias}) (newest first), or reads one by I(job_id) or I(description).
extends_documentation_fragment:
  - ctl.runner.connection
  - ctl.runner.info
options:
  job_id:
    description: One job's id.
    type: str
  description:
    description: The jobs with exactly this description.
    type: str
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- ctl.runner.job_info:
    description: ping the fleet
  register: jobs
'''

RETURN = r'''
jobs:
  description: The jobs as the API returns them (no secrets; C(playbook) is base64).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import run_info_module


def main():
    run_info_module(dict(job_id=dict(type='str'), description=dict(type='str')), 'jobs', locate)


def locate(client, p):
    where = dict(description=p['description']) if p['description'] is not None else None
    return client.alias_path('/v2/automation/jobs'), p['job_id'], where


if __name__ == '__main__':
    main()
