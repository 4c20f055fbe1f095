#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: vpn_connection_info
short_description: Read the VPN connections of an automation-runner account
version_added: 0.1.0
description:
  - Lists the VPN connections with their last check, or the one named I(name).
extends_documentation_fragment:
  - ctl.runner.connection
  - ctl.runner.info
options:
  name:
    description: One connection's name.
    type: str
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- ctl.runner.vpn_connection_info:
    name: east
'''

RETURN = r'''
vpn_connections:
  description: The connections, each with C(networks), C(gateway), C(status) and C(lastCheckMessage).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import run_info_module


def main():
    run_info_module(dict(name=dict(type='str')), 'vpn_connections', locate)


def locate(client, p):
    # The API reads a connection by id only, so the one named is picked from the list.
    return client.alias_path('/v2/automation/vpn'), None, dict(name=p['name']) if p['name'] else None


if __name__ == '__main__':
    main()
