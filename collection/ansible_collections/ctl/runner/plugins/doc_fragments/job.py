# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # How a module names the job it acts on (runner_api's RunnerClient.find_job looks it up).
    DOCUMENTATION = r'''
options:
  job_id:
    description: The job's id.
    type: str
  job_description:
    description: The job's description, when I(job_id) is not given (it must be unique in the account).
    type: str
'''

    # Modules that read within one job, named by its id only (ctl.runner.job.id).
    ID = r'''
options:
  job_id:
    description: The job's id.
    type: str
'''
