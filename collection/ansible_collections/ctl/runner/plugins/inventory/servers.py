# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: servers
short_description: The server records of an automation-runner account as an inventory
version_added: 0.1.0
description:
  - Lists the servers of C(/v2/servers/{alias}) (and, with I(include_sub_accounts), of every sub-account below it,
    found through the C(subAccount) links of C(GET /v2/accounts/{alias})).
  - Each server is a host named after it (a sub-account's servers are named C(<ALIAS>_<name>), since names are
    unique per account only), with C(ansible_host) (its ipAddress), C(ansible_port), C(ansible_user), its
    C(hostVars), and its fields as C(runner_*) variables.
  - Hosts are grouped as the service groups them for runs with C(useDynamicInventory) -- by group name and by
    location id, each sanitized (characters other than letters, digits and C(_) become C(_)), so group
    C(App Servers) is C(App_Servers) -- and by account, C(account_<ALIAS>).
  - Secret host variables come back from the API as C($encrypted$) and are left out (they can't be used from here).
  - The configuration file's name must end in C(runner.yml) or C(runner.yaml)
    (for example C(inventory.runner.yml)).
extends_documentation_fragment:
  - inventory_cache
  - constructed
options:
  plugin:
    description: The name of this plugin; it must be C(ctl.runner.servers).
    type: str
    required: true
    choices: [ctl.runner.servers]
  api_url:
    description: Base URL of the API.
    type: str
    env:
      - name: RUNNER_API_URL
  api_token:
    description: A bearer token; needs I(account_alias).
    type: str
    env:
      - name: RUNNER_API_TOKEN
  api_username:
    description: User to log in as when no token is given (the login's token is revoked when the inventory is read).
    type: str
    env:
      - name: RUNNER_USERNAME
  api_password:
    description: Password of I(api_username).
    type: str
    env:
      - name: RUNNER_PASSWORD
  account_alias:
    description: The account whose servers to list; by default the login user's account.
    type: str
    env:
      - name: RUNNER_ACCOUNT_ALIAS
  validate_certs:
    description: Verify the API's TLS certificate.
    type: bool
    default: true
    env:
      - name: RUNNER_VALIDATE_CERTS
  api_timeout:
    description: Seconds to wait for each HTTP request.
    type: int
    default: 30
  include_sub_accounts:
    description: Also list the servers of every sub-account below I(account_alias), recursively.
    type: bool
    default: false
'''

EXAMPLES = r'''
# inventory.runner.yml
plugin: ctl.runner.servers
api_url: https://runner.example.com
account_alias: DEMO
include_sub_accounts: true
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /tmp/runner-inventory-cache
cache_timeout: 300
keyed_groups:
  - key: runner_os
    prefix: os
# ansible-inventory -i inventory.runner.yml --graph   (credentials from RUNNER_USERNAME / RUNNER_PASSWORD)
'''

import re

from ansible.errors import AnsibleError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.ctl.runner.plugins.module_utils.runner_api import ENCRYPTED, RunnerApiError, RunnerClient, q

FIELDS = (('name', 'runner_name'), ('description', 'runner_description'), ('ipAddress', 'runner_ip_address'),
          ('port', 'runner_port'), ('group', 'runner_group'), ('locationId', 'runner_location_id'),
          ('os', 'runner_os'), ('username', 'runner_username'), ('hasPassword', 'runner_has_password'))


def sanitize(name):
    """As the service names its dynamic inventory's groups (libs/ansible inventory)."""
    return re.sub(r'[^A-Za-z0-9_]', '_', name)


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = 'ctl.runner.servers'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(('runner.yml', 'runner.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option('cache') and cache
        update_cache = self.get_option('cache') and not cache
        data = None
        if use_cache:
            try:
                data = self._cache[cache_key]
            except KeyError:
                update_cache = True
        if data is None:
            data = self._fetch()
        if update_cache:
            self._cache[cache_key] = data
        self._populate(data)

    def _fetch(self):
        params = dict((k, self.get_option(k)) for k in ('api_url', 'api_token', 'api_username', 'api_password',
                                                        'account_alias', 'validate_certs', 'api_timeout'))
        try:
            client = RunnerClient(params)
        except (ValueError, RunnerApiError) as e:
            raise AnsibleError('ctl.runner.servers: %s' % e)
        try:
            accounts = [client.account_alias]
            if self.get_option('include_sub_accounts'):
                accounts = self._tree(client, client.account_alias)
            return dict(root=client.account_alias, accounts=[
                dict(alias=alias, servers=client.list_all('/v2/servers/%s' % q(alias))) for alias in accounts])
        except RunnerApiError as e:
            raise AnsibleError('ctl.runner.servers: %s' % e)
        finally:
            client.close()

    def _tree(self, client, alias):
        """The alias and every alias below it, depth first, in the API's order."""
        out = [alias]
        account = client.request('GET', '/v2/accounts/%s' % q(alias))
        for link in account.get('links') or []:
            if link.get('rel') == 'subAccount' and link.get('id'):
                out.extend(self._tree(client, link['id']))
        return out

    def _populate(self, data):
        strict = self.get_option('strict')
        for account in data['accounts']:
            alias = account['alias']
            account_group = self.inventory.add_group(sanitize('account_%s' % alias))
            for server in account['servers']:
                host = server['name'] if alias == data['root'] else '%s_%s' % (alias, server['name'])
                self.inventory.add_host(host)
                self.inventory.add_child(account_group, host)
                for group in (server.get('group'), server.get('locationId')):
                    if group:
                        self.inventory.add_child(self.inventory.add_group(sanitize(group)), host)
                variables = dict((k, v) for k, v in (server.get('hostVars') or {}).items() if v != ENCRYPTED)
                variables.update(ansible_host=server.get('ipAddress'), ansible_port=server.get('port'),
                                 ansible_user=server.get('username'), runner_account_alias=alias)
                for field, var in FIELDS:
                    variables[var] = server.get(field)
                for var, value in variables.items():
                    self.inventory.set_variable(host, var, value)
                self._set_composite_vars(self.get_option('compose'), variables, host, strict=strict)
                self._add_host_to_composed_groups(self.get_option('groups'), variables, host, strict=strict)
                self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, host, strict=strict)
