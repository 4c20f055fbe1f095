#!/usr/bin/python
# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: keypair_info
short_description: Read the key pairs of an automation-runner account
version_added: 0.1.0
description:
  - Lists the key pairs of C(/v2/automation/keypairs/{alias}) (never a private key), or reads one by I(alias), with where each is deployed.
extends_documentation_fragment:
  - ctl.runner.connection
  - ctl.runner.info
options:
  alias:
    description: One key pair's alias; all of them when left out.
    type: str
    aliases: [name]
author:
  - automation-runner maintainers
'''

EXAMPLES = r'''
- ctl.runner.keypair_info:
    alias: ops-key
  register: key
'''

RETURN = r'''
keypairs:
  description: The key pairs, each with C(publicKey), C(fingerprint) and C(deployedServers).
  returned: always
  type: list
  elements: dict
'''

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import run_info_module


def main():
    run_info_module(dict(alias=dict(type='str', aliases=['name'])), 'keypairs',
                    lambda client, p: (client.alias_path('/v2/automation/keypairs'), p['alias'], None))


if __name__ == '__main__':
    main()
