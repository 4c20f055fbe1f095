#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: server_info
short_description: Read the server records of an automation-runner account
version_added: 0.1.0
description:
  - Lists the servers of C(/v2/servers/{alias}), or reads one by I(name).
extends_documentation_fragment:
  - ctl.runner.connection
  - ctl.runner.info
options:
  name:
    description: One server's name; all of them when left out.
    type: str
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- ctl.runner.server_info:
    name: web-1
  register: web
'''

RETURN = r'''
servers:
  description: The servers (one, or none when I(name) does not exist); never a password.
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import run_info_module


def main():
    run_info_module(dict(name=dict(type='str')), 'servers', lambda client, p: (client.alias_path('/v2/servers'), p['name'], None))


if __name__ == '__main__':
    main()
