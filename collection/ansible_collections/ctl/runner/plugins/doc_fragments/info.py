# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # The *_info modules: they only read, so check mode changes nothing about them.
    DOCUMENTATION = r'''
attributes:
  check_mode:
    support: full
    details: Reads only.
'''
