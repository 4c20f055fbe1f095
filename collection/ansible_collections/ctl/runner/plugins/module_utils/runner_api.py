# -*- coding: utf-8 -*-
# MIT License (see the repository's LICENSE)
"""HTTP client for the automation-runner API, shared by the modules and the inventory plugin.

Standard library and ansible-core only: requests go through ansible.module_utils.urls.open_url.
"""
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import json
import time

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import quote
from ansible.module_utils.urls import open_url

ENCRYPTED = '$encrypted$'
TERMINAL_STATUSES = ('SUCCESS', 'FAILURE', 'INIT_FAILURE', 'STOPPED', 'KILLED')


def connection_argument_spec():
    """The options every module takes (doc fragment ctl.runner.connection)."""
    return dict(
        api_url=dict(type='str', fallback=(env_fallback, ['RUNNER_API_URL'])),
        api_token=dict(type='str', no_log=True, fallback=(env_fallback, ['RUNNER_API_TOKEN'])),
        api_username=dict(type='str', fallback=(env_fallback, ['RUNNER_USERNAME'])),
        api_password=dict(type='str', no_log=True, fallback=(env_fallback, ['RUNNER_PASSWORD'])),
        account_alias=dict(type='str', fallback=(env_fallback, ['RUNNER_ACCOUNT_ALIAS'])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['RUNNER_VALIDATE_CERTS'])),
        api_timeout=dict(type='int', default=30),
    )


class RunnerApiError(Exception):
    """An answer that was not a success, or no answer at all; str() quotes the API's message."""

    def __init__(self, method, path, status, message, errors=None):
        self.method = method
        self.path = path
        self.status = status
        self.api_message = message
        self.errors = errors or []
        text = '%s %s answered %s: %s' % (method, path, status, message) if status else '%s %s failed: %s' % (method, path, message)
        details = ['%s: %s' % (e.get('field'), e.get('message')) for e in self.errors if isinstance(e, dict)]
        if details:
            text += ' (' + '; '.join(details) + ')'
        super(RunnerApiError, self).__init__(text)


class RunnerClient(object):
    """One authenticated session against the API.

    ``params`` holds the connection options (api_url, api_token, api_username, api_password,
    account_alias, validate_certs, api_timeout). With a token it is used as it is and the account
    alias must be given; with a username and password the client logs in, acts with the bearer token
    it gets, takes the login's accountAlias when none was given, and logs out in close().
    """

    def __init__(self, params):
        self.base = (params.get('api_url') or '').rstrip('/')
        if not self.base:
            raise ValueError('api_url is required (or the environment variable RUNNER_API_URL)')
        self.validate_certs = params.get('validate_certs')
        if self.validate_certs is None:
            self.validate_certs = True
        self.timeout = params.get('api_timeout') or 30
        self.token = params.get('api_token')
        self.account_alias = params.get('account_alias')
        self.logged_in = False
        if self.token:
            if not self.account_alias:
                raise ValueError('account_alias (or RUNNER_ACCOUNT_ALIAS) is required with api_token: '
                                 'the API has no call that names the account of a token')
        elif params.get('api_username') and params.get('api_password'):
            answer = self.request('POST', '/v2/authentication/login',
                                  {'username': params['api_username'], 'password': params['api_password']}, auth=False)
            self.token = answer['bearerToken']
            self.logged_in = True
            if not self.account_alias:
                self.account_alias = answer.get('accountAlias')
        else:
            raise ValueError('no credentials: give api_token (RUNNER_API_TOKEN) or api_username and api_password '
                             '(RUNNER_USERNAME, RUNNER_PASSWORD)')

    # -- plumbing --------------------------------------------------------------------------------

    def request(self, method, path, body=None, auth=True, accept_json=True, raw=False):
        """Sends one request; returns the parsed JSON (None for 204), or the text when raw."""
        url = self.base + path
        headers = {'Accept': 'application/json' if accept_json else 'text/plain'}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers['Content-Type'] = 'application/json'
        if auth:
            headers['Authorization'] = 'Bearer ' + self.token
        try:
            response = open_url(url, method=method, data=data, headers=headers, validate_certs=self.validate_certs,
                                timeout=self.timeout, follow_redirects='none', use_proxy=True)
            text = response.read()
        except HTTPError as e:
            raw_body = e.read() if hasattr(e, 'read') else b''
            message, errors = _error_of(raw_body, e)
            raise RunnerApiError(method, path, e.code, message, errors)
        except URLError as e:
            raise RunnerApiError(method, path, None, 'cannot reach %s: %s' % (self.base, e.reason))
        except Exception as e:  # socket timeouts, TLS errors
            raise RunnerApiError(method, path, None, 'cannot reach %s: %s' % (self.base, e))
        if isinstance(text, bytes):
            text = text.decode('utf-8', 'replace')
        if raw:
            return text
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise RunnerApiError(method, path, None, 'the answer was not JSON: %s' % text[:200])

    def get_or_none(self, path):
        """GET that answers None for a 404."""
        try:
            return self.request('GET', path)
        except RunnerApiError as e:
            if e.status == 404:
                return None
            raise

    def list_all(self, path):
        """Every item of a list: paged answers ({results, totalSize}) are walked page by page."""
        items = []
        page = 0
        sep = '&' if '?' in path else '?'
        while True:
            answer = self.request('GET', '%s%spage=%d&size=100' % (path, sep, page))
            if isinstance(answer, list):
                return answer
            if isinstance(answer, dict) and isinstance(answer.get('accounts'), list):
                return answer['accounts']
            results = (answer or {}).get('results') or []
            items.extend(results)
            if not results or len(items) >= answer.get('totalSize', 0):
                return items
            page += 1

    def close(self):
        """Revokes the token this client got by logging in (a token it was given is left alone)."""
        if self.logged_in:
            try:
                self.request('POST', '/v2/authentication/logout')
            except RunnerApiError:
                pass
            self.logged_in = False

    # -- paths -----------------------------------------------------------------------------------

    def alias_path(self, prefix, *parts):
        return '/'.join([prefix, q(self.account_alias)] + [q(p) for p in parts])

    def wait_operation(self, href, timeout):
        """Polls an operation (key deployment, ...) until it succeeded or failed; returns its body."""
        deadline = time.time() + timeout
        while True:
            body = self.request('GET', href)
            if body.get('status') in ('succeeded', 'failed'):
                return body
            if time.time() > deadline:
                raise RunnerApiError('GET', href, None, 'operation still %s after %d seconds' % (body.get('status'), timeout))
            time.sleep(0.5)

    def find_job(self, job_id=None, description=None):
        """The job by id, or the one job whose description is exactly ``description`` (None when none)."""
        if job_id:
            return self.get_or_none(self.alias_path('/v2/automation/jobs', job_id))
        matches = [j for j in self.list_all(self.alias_path('/v2/automation/jobs')) if j.get('description') == description]
        if len(matches) > 1:
            raise RunnerApiError('GET', self.alias_path('/v2/automation/jobs'), None,
                                 '%d jobs have the description %r; name one with job_id (%s)'
                                 % (len(matches), description, ', '.join(j['id'] for j in matches)))
        return matches[0] if matches else None


def q(part):
    return quote(str(part), safe='')


def _error_of(raw_body, exc):
    try:
        body = json.loads(raw_body.decode('utf-8', 'replace') if isinstance(raw_body, bytes) else raw_body)
        if isinstance(body, dict):
            return body.get('message') or str(exc), body.get('errors') or []
    except (ValueError, AttributeError):
        pass
    text = raw_body.decode('utf-8', 'replace') if isinstance(raw_body, bytes) else str(raw_body or '')
    return (text.strip()[:500] or str(getattr(exc, 'reason', exc))), []


def b64(text):
    return base64.b64encode(text.encode('utf-8')).decode('ascii')


def unb64(text):
    try:
        return base64.b64decode(text).decode('utf-8')
    except Exception:
        return text


def secret_aware_equal(desired, current):
    """Deep equality where a stored secret ("$encrypted$") equals any desired string.

    Callers replace desired secrets by "$encrypted$" first when update_secrets is always, so this
    is the on_create comparison.
    """
    if isinstance(desired, dict) and isinstance(current, dict):
        if set(desired) != set(current):
            return False
        return all(secret_aware_equal(desired[k], current[k]) for k in desired)
    if isinstance(desired, list) and isinstance(current, list):
        return len(desired) == len(current) and all(secret_aware_equal(d, c) for d, c in zip(desired, current))
    if current == ENCRYPTED and isinstance(desired, str):
        return True
    return desired == current


def keep_stored_secrets(desired, current):
    """A copy of ``desired`` where every value stored as "$encrypted$" in ``current`` is sent back as
    "$encrypted$" (the API keeps the stored value), so a request never re-sends a secret it can't compare."""
    if isinstance(desired, dict) and isinstance(current, dict):
        return dict((k, keep_stored_secrets(v, current.get(k))) for k, v in desired.items())
    if current == ENCRYPTED and isinstance(desired, str):
        return ENCRYPTED
    return desired


def has_secret_values(value):
    if isinstance(value, dict):
        return any(has_secret_values(v) for v in value.values())
    return value == ENCRYPTED


def ensure_absent(client, module, path, current, view):
    """state=absent: DELETE ``path`` when ``current`` exists (not in check mode); the diff shows what goes."""
    if current is None:
        return dict(changed=False)
    if not module.check_mode:
        client.request('DELETE', path)
    return dict(changed=True, diff=dict(before=view(current), after={}))


def state_option():
    """The argument spec of ``state`` (doc fragment ctl.runner.state)."""
    return dict(type='str', choices=['present', 'absent'], default='present')


def secret_update_option():
    """The argument spec of ``update_password`` / ``update_secrets``: when a write-only secret is sent."""
    return dict(type='str', choices=['always', 'on_create'], default='on_create', no_log=False)


def read_info(client, path, key, result_name, where=None):
    """What an ``*_info`` module returns: with ``key``, the one item at ``path``/``key`` (an empty list when
    there is none); without, every item at ``path``, keeping those whose fields equal ``where`` when given."""
    if key:
        one = client.get_or_none(path + '/' + q(key))
        return {'changed': False, result_name: [one] if one else []}
    items = client.list_all(path)
    if where:
        items = [i for i in items if all(i.get(k) == v for k, v in where.items())]
    return {'changed': False, result_name: items}


def run_info_module(argument_spec, result_name, locate):
    """The whole of a plain ``*_info`` module: ``locate(client, params)`` names the collection's path, the one
    key asked for (or None) and a ``where`` filter (or None); read_info does the rest. Reads only, so check
    mode is supported as such."""
    def run(client, module):
        path, key, where = locate(client, module.params)
        return read_info(client, path, key, result_name, where)
    RunnerModule(argument_spec, supports_check_mode=True).run(run)


def ensure_state(client, module, path, view, present):
    """A module whose item lives at ``path``: GETs it, then with state=absent removes it (ensure_absent), and
    with state=present returns present(client, module, path, current), where current is None when there is none."""
    current = client.get_or_none(path)
    if module.params['state'] == 'absent':
        return ensure_absent(client, module, path, current, view)
    return present(client, module, path, current)


def ensure_present(client, module, name, view, current, planned, method, path, body):
    """state=present once a module has found what differs: sends ``method path body`` (a POST that creates the
    item when ``current`` is None, else the request that changes it) unless in check mode.

    The result has the item as ``name``: ``planned`` (what it would be) in check mode, else the API's answer;
    its diff goes from view(current) (nothing when created) to view() of that item.
    """
    before = {} if current is None else view(current)
    item = planned if module.check_mode else client.request(method, path, body)
    return {'changed': True, name: item, 'diff': dict(before=before, after=view(item))}


class RunnerModule(object):
    """Glue for a module: argument spec with the connection options, the client, clean failures."""

    def __init__(self, argument_spec, **kwargs):
        from ansible.module_utils.basic import AnsibleModule
        spec = connection_argument_spec()
        spec.update(argument_spec)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self.client = None

    def run(self, fn):
        try:
            try:
                self.client = RunnerClient(self.params)
            except ValueError as e:
                self.module.fail_json(msg=str(e))
            result = fn(self.client, self.module)
        except RunnerApiError as e:
            self._close()
            self.module.fail_json(msg=str(e), status=e.status, api_message=e.api_message, errors=e.errors)
        except TaskFailure as e:
            self._close()
            self.module.fail_json(msg=e.msg, **e.extra)
        self._close()
        self.module.exit_json(**result)

    def _close(self):
        if self.client is not None:
            self.client.close()


class TaskFailure(Exception):
    def __init__(self, msg, **extra):
        super(TaskFailure, self).__init__(msg)
        self.msg = msg
        self.extra = extra
