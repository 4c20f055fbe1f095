# -*- coding: utf-8 -*-
# Ansible callback plugin: one JSON object per line, for every callback event, written to the file
# descriptor whose number is in RUNNER_EVENT_FD. It never prints: the human transcript stays on
# stdout through the normal stdout callback. Without RUNNER_EVENT_FD (or with an unusable one) the
# plugin disables itself.
#
# Line format (every key is always present):
#   {"event": str, "uuid": str|null, "parent_uuid": str|null, "host": str|null, "play": str|null,
#    "task": str|null, "failed": bool, "changed": bool, "message": str|null, "stdout": str|null,
#    "event_data": object, "timestamp": "YYYY-MM-DDTHH:MM:SS.mmmZ"}
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = '''
    name: runner_events
    type: notification
    short_description: writes one JSON line per event to the file descriptor in RUNNER_EVENT_FD
    description:
      - Machine-readable event stream for the job runner. Prints nothing.
    requirements:
      - enable in configuration (ANSIBLE_CALLBACKS_ENABLED=runner_events)
      - environment variable RUNNER_EVENT_FD naming an open, writable file descriptor
'''

import datetime
import json
import math
import os
import threading
import uuid

from ansible.plugins.callback import CallbackBase

MAX_STRING_BYTES = 64 * 1024
MAX_DEPTH = 64
# RUNNER_MAX_ARTIFACTS_KB's highest value: the worker applies the configured one.
MAX_ARTIFACTS_BYTES = 1024 * 1024
TRUNCATION_MARKER = u'\u2026[truncated]'
CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"
# Kept next to "censored" for no_log results, as ansible itself does: not sensitive, useful for retries.
NO_LOG_PRESERVED = ('attempts', 'changed', 'retries')

# One stream per process, however many times the plugin is instantiated: a second os.fdopen() on the
# same descriptor would close it when either file object is garbage-collected.
_STREAM_LOCK = threading.Lock()
_STREAM = {'opened': False, 'fd': None}
_CURRENT_PLAY = object()


def _open_event_fd():
    with _STREAM_LOCK:
        if _STREAM['opened']:
            return _STREAM['fd']
        _STREAM['opened'] = True
        raw = os.environ.get('RUNNER_EVENT_FD')
        if raw is None or raw.strip() == '':
            return None
        try:
            fd = int(raw.strip())
            os.fstat(fd)  # raises if the descriptor is not open
        except (ValueError, OSError):
            return None
        try:
            # Not inherited by the commands ansible executes (ssh, modules, async wrappers): only this
            # process and its forked workers hold the write end, so the reader sees EOF at exit.
            os.set_inheritable(fd, False)
        except OSError:
            pass
        try:
            os.set_blocking(fd, True)
        except (OSError, AttributeError):
            pass
        _STREAM['fd'] = fd
        return fd


def _write_line(data):
    """Writes bytes completely; disables the stream when the reader has gone away."""
    with _STREAM_LOCK:
        fd = _STREAM['fd']
        if fd is None:
            return
        try:
            view = memoryview(data)
            while len(view):
                written = os.write(fd, view)
                view = view[written:]
        except OSError:
            _STREAM['fd'] = None


def _truncate(text):
    if len(text) * 4 <= MAX_STRING_BYTES:  # cheap: cannot exceed the limit
        return text
    encoded = text.encode('utf-8', 'surrogatepass')
    if len(encoded) <= MAX_STRING_BYTES:
        return text
    return encoded[:MAX_STRING_BYTES].decode('utf-8', 'ignore') + TRUNCATION_MARKER


def _to_text(value):
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    try:
        return str(value)
    except Exception:  # a broken __str__ must not lose the event
        return '<unprintable %s>' % type(value).__name__


def _is_no_log(result):
    return isinstance(result, dict) and result.get('_ansible_no_log') is True


def _censor(result):
    censored = {'censored': CENSORED}
    for key in NO_LOG_PRESERVED:
        if key in result:
            censored[key] = _sanitize(result[key])
    return censored


def _sanitize(value, depth=0):
    """Returns a JSON-safe copy: str keys, no NaN/Infinity, long strings truncated, internal keys dropped."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _truncate(str(value))
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else str(value)
    if depth >= MAX_DEPTH:
        return _truncate(_to_text(value))
    if isinstance(value, dict) or hasattr(value, 'items') and callable(getattr(value, 'items')):
        try:
            items = list(value.items())
        except Exception:
            return _truncate(_to_text(value))
        as_dict = dict((k, v) for k, v in items) if not isinstance(value, dict) else value
        if _is_no_log(as_dict):
            return _censor(as_dict)
        out = {}
        for key, item in items:
            key = _truncate(_to_text(key))
            if key.startswith('_ansible') and key != '_ansible_no_log':
                continue
            out[key] = _sanitize(item, depth + 1)
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_sanitize(item, depth + 1) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return _truncate(bytes(value).decode('utf-8', 'replace'))
    return _truncate(_to_text(value))


def _text_or_none(value):
    if value is None:
        return None
    if isinstance(value, str):
        return _truncate(str(value))
    try:
        return _truncate(json.dumps(_sanitize(value), ensure_ascii=False, allow_nan=False, default=_to_text))
    except Exception:
        return _truncate(_to_text(value))


def _now():
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (now.microsecond // 1000)


# ansible-core 2.19 added public `host`/`task`/`result` on callback results and deprecates the
# underscore names (removal planned for 2.23); 2.14 has only the underscore names.
def _result_host(result):
    host = getattr(result, 'host', None)
    return host if host is not None and not isinstance(host, str) else getattr(result, '_host', None)


def _result_task(result):
    task = getattr(result, 'task', None)
    return task if task is not None and not isinstance(task, str) else getattr(result, '_task', None)


def _result_data(result):
    data = getattr(result, 'result', None)
    if data is None or not hasattr(data, 'items'):
        data = getattr(result, '_result', None)
    return data if data is not None else {}


def _artifacts(stats):
    """set_stats data (stats.custom: `_run` the aggregate, else per host) as {run, hosts}, or None.

    Bounded here too: the worker drops an event line over 8 x RUNNER_MAX_LINE_KB whole, and with it
    the host summaries; larger artifacts become {'omitted_bytes': n}, which the worker reports.
    """
    try:
        custom = getattr(stats, 'custom', None) or {}
        if not custom:
            return None
        artifacts = {
            'run': _sanitize(custom.get('_run', {})),
            'hosts': dict((_to_text(h), _sanitize(v)) for h, v in custom.items() if h != '_run'),
        }
        size = len(json.dumps(artifacts, ensure_ascii=False, allow_nan=False, default=_to_text).encode('utf-8', 'replace'))
        return artifacts if size <= MAX_ARTIFACTS_BYTES else {'omitted_bytes': size}
    except Exception:
        return None


def _name(obj, fallback=None):
    if obj is None:
        return fallback
    try:
        name = obj.get_name()
    except Exception:
        name = getattr(obj, 'name', None)
    return _text_or_none(name) if name not in (None, '') else fallback


def _uuid_of(obj):
    value = getattr(obj, '_uuid', None)
    return _to_text(value) if value is not None else None


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'notification'
    CALLBACK_NAME = 'runner_events'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._play_name = None
        self._play_uuid = None
        # The task queue manager skips plugins with disabled = True.
        self.disabled = _open_event_fd() is None

    # ------------------------------------------------------------------ output

    def _emit(self, event, uuid_=None, parent_uuid=None, host=None, task=None, failed=False,
              changed=False, message=None, stdout=None, event_data=None, play=_CURRENT_PLAY):
        try:
            record = {
                'event': event,
                'uuid': uuid_,
                'parent_uuid': parent_uuid,
                'host': _text_or_none(host),
                'play': _text_or_none(self._play_name if play is _CURRENT_PLAY else play),
                'task': _text_or_none(task),
                'failed': bool(failed),
                'changed': bool(changed),
                'message': _text_or_none(message),
                'stdout': _text_or_none(stdout),
                'event_data': _sanitize(event_data or {}),
                'timestamp': _now(),
            }
            try:
                line = json.dumps(record, ensure_ascii=False, allow_nan=False, default=_to_text)
            except Exception:
                record['event_data'] = {'unserializable': _truncate(_to_text(event_data))}
                line = json.dumps(record, ensure_ascii=True, default=_to_text)
            # surrogatepass would yield invalid UTF-8; replace keeps every line decodable
            _write_line((line + '\n').encode('utf-8', 'replace'))
        except Exception:
            # A callback exception would be displayed by ansible; the event is lost instead.
            pass

    def _emit_result(self, event, result, failed=False, ignore_errors=None, item=False):
        try:
            task = _result_task(result)
            host = _result_host(result)
            raw = _result_data(result)
            if not isinstance(raw, dict):
                raw = dict(raw.items()) if hasattr(raw, 'items') else {'result': raw}
            no_log = _is_no_log(raw) or 'censored' in raw or (
                task is not None and isinstance(getattr(task, 'no_log', None), bool) and task.no_log)

            data = _censor(raw) if no_log else _sanitize(raw)
            if ignore_errors is None:
                ignore_errors = getattr(task, 'ignore_errors', False) if task is not None else False
            data['task_action'] = _text_or_none(getattr(task, 'action', None))
            data['ignore_errors'] = bool(ignore_errors) if isinstance(ignore_errors, bool) else False
            if item:
                try:
                    # ansible's clean copy of a no_log result has lost _ansible_no_log: label it here
                    label = '(censored due to no_log)' if no_log else self._get_item_label(raw)
                    data['item'] = _sanitize(label)
                except Exception:
                    data['item'] = None

            host_name = None
            if host is not None:
                try:
                    host_name = host.get_name()
                except Exception:
                    host_name = getattr(host, 'name', None)

            self._emit(
                event,
                uuid_=str(uuid.uuid4()),
                parent_uuid=_uuid_of(task),
                host=host_name,
                task=_name(task, getattr(result, 'task_name', None)),
                failed=failed,
                changed=bool(raw.get('changed', False)),
                message=None if no_log else raw.get('msg'),
                stdout=None if no_log else raw.get('stdout'),
                event_data=data,
            )
        except Exception:
            pass

    # ------------------------------------------------------------------ playbook / play / task

    def v2_playbook_on_start(self, playbook):
        file_name = getattr(playbook, '_file_name', None)
        self._emit('playbook_on_start', event_data={
            'playbook': os.path.basename(file_name) if file_name else None,
        })

    def v2_playbook_on_play_start(self, play):
        self._play_name = _name(play)
        self._play_uuid = _uuid_of(play)
        hosts = getattr(play, 'hosts', None)
        if isinstance(hosts, (list, tuple)):
            pattern = ','.join(_to_text(h) for h in hosts)
        else:
            pattern = _text_or_none(hosts)
        self._emit('playbook_on_play_start', uuid_=self._play_uuid, play=self._play_name,
                   event_data={'pattern': pattern})

    def _task_start(self, event, task, is_conditional=None):
        data = {'task_action': _text_or_none(getattr(task, 'action', None))}
        if is_conditional is not None:
            data['is_conditional'] = bool(is_conditional)
        self._emit(event, uuid_=_uuid_of(task), parent_uuid=self._play_uuid, task=_name(task), event_data=data)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._task_start('playbook_on_task_start', task, is_conditional)

    def v2_playbook_on_handler_task_start(self, task):
        self._task_start('playbook_on_handler_task_start', task)

    def v2_playbook_on_cleanup_task_start(self, task):
        self._task_start('playbook_on_cleanup_task_start', task)

    def v2_playbook_on_no_hosts_matched(self):
        self._emit('playbook_on_no_hosts_matched', parent_uuid=self._play_uuid)

    def v2_playbook_on_no_hosts_remaining(self):
        self._emit('playbook_on_no_hosts_remaining', parent_uuid=self._play_uuid)

    def v2_playbook_on_notify(self, handler, host):
        host_name = host.get_name() if hasattr(host, 'get_name') else host
        self._emit('playbook_on_notify', parent_uuid=_uuid_of(handler), host=host_name,
                   event_data={'handler': _name(handler)})

    def v2_playbook_on_include(self, included_file):
        try:
            task = getattr(included_file, '_task', None)
            hosts = [h.get_name() if hasattr(h, 'get_name') else h for h in getattr(included_file, '_hosts', [])]
            try:
                label = self._get_item_label(getattr(included_file, '_vars', {}) or {})
            except Exception:
                label = None
            self._emit('playbook_on_include', uuid_=str(uuid.uuid4()), parent_uuid=_uuid_of(task),
                       task=_name(task), event_data={
                           'filename': getattr(included_file, '_filename', None),
                           'hosts': hosts,
                           'item': label,
                       })
        except Exception:
            pass

    def v2_playbook_on_stats(self, stats):
        hosts = {}
        try:
            for host in sorted(stats.processed.keys()):
                summary = stats.summarize(host)
                hosts[_to_text(host)] = dict(
                    (key, int(summary.get(key, 0) or 0))
                    for key in ('ok', 'changed', 'failures', 'unreachable', 'skipped', 'rescued', 'ignored'))
        except Exception:
            pass
        data = {'hosts': hosts}
        artifacts = _artifacts(stats)
        if artifacts is not None:
            data['artifacts'] = artifacts
        self._emit('playbook_on_stats', play=None, event_data=data)

    # ------------------------------------------------------------------ runner (per host)

    def v2_runner_on_start(self, host, task):
        self._emit('runner_on_start', uuid_=str(uuid.uuid4()), parent_uuid=_uuid_of(task),
                   host=host.get_name() if hasattr(host, 'get_name') else host, task=_name(task),
                   event_data={'task_action': _text_or_none(getattr(task, 'action', None))})

    def v2_runner_on_ok(self, result):
        self._emit_result('runner_on_ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._emit_result('runner_on_failed', result, failed=True, ignore_errors=ignore_errors)

    def v2_runner_on_skipped(self, result):
        self._emit_result('runner_on_skipped', result)

    def v2_runner_on_unreachable(self, result):
        self._emit_result('runner_on_unreachable', result, failed=True)

    def v2_runner_item_on_ok(self, result):
        self._emit_result('runner_item_on_ok', result, item=True)

    def v2_runner_item_on_failed(self, result):
        self._emit_result('runner_item_on_failed', result, failed=True, item=True)

    def v2_runner_item_on_skipped(self, result):
        self._emit_result('runner_item_on_skipped', result, item=True)

    def v2_runner_retry(self, result):
        self._emit_result('runner_retry', result)

    def v2_runner_on_async_poll(self, result):
        self._emit_result('runner_on_async_poll', result)

    def v2_runner_on_async_ok(self, result):
        self._emit_result('runner_on_async_ok', result)

    def v2_runner_on_async_failed(self, result):
        self._emit_result('runner_on_async_failed', result, failed=True)

    def v2_on_file_diff(self, result):
        self._emit_result('on_file_diff', result)
