# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # The resource modules (state=present/absent, argument spec from runner_api.state_option). A module
    # that says more about its state gives only state's description; the rest is merged from here.
    DOCUMENTATION = r'''
options:
  state:
    description: Whether it should exist.
    type: str
    choices: [present, absent]
    default: present
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
'''

    # When a write-only secret is sent (argument spec runner_api.secret_update_option); the module says what
    # its secrets are in the option's description. ctl.runner.state.update_password, ctl.runner.state.update_secrets.
    UPDATE_PASSWORD = r'''
options:
  update_password:
    type: str
    choices: [always, on_create]
    default: on_create
'''

    UPDATE_SECRETS = r'''
options:
  update_secrets:
    type: str
    choices: [always, on_create]
    default: on_create
'''
