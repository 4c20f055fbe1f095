#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: service_account_info
short_description: Read the service accounts of an automation-runner account
version_added: 0.1.0
description:
  - Lists the service accounts (never a password), or reads one by I(alias).
extends_documentation_fragment:
  - ctl.runner.connection
  - ctl.runner.info
options:
  alias:
    description: One service account's alias.
    type: str
    aliases: [name]
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- ctl.runner.service_account_info:
'''

RETURN = r'''
service_accounts:
  description: The service accounts, C({alias, username, createdTime}).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import run_info_module


def main():
    run_info_module(dict(alias=dict(type='str', aliases=['name'])), 'service_accounts',
                    lambda client, p: (client.alias_path('/v2/automation/serviceAccounts'), p['alias'], None))


if __name__ == '__main__':
    main()
