"""A warm ansible-playbook (issue #22, docs/warm-path.md): an interpreter that has imported Ansible
before the run it will be is known, then becomes exactly that run. For ansible-core 2.14 only.

  python3 -I -u zygote.py spare <4096 spaces>
      The chosen design: a pre-spawned, single-use sandbox. The run guard starts it as the command
      of the run's own bubblewrap sandbox ahead of the claim, as root (or as the worker's uid in a
      user namespace). It imports Ansible (its stdout/stderr, the run's, muted meanwhile), says
      "ready" on WARM_READY_FD, and waits for ONE JSON line on WARM_SPEC_FD (stdin without it):
          {"argv": [...], "env": {...}, "cwd": "...", "uid": 1234 | null}
      It answers "accepted" (or "refused: why", then exits 75 having done nothing of the run: the
      worker runs it cold), drops to `uid` as setpriv does in the cold path, reads the run's
      configuration afresh (reset_ansible_config) and runs ansible-playbook's main() in this same
      process. One run per process: nothing of one run can be seen by another. The last argument
      only reserves room for the run's cmdline (name_process).

  python3 -I -u zygote.py forkserver SOCKET
      For comparison (options (a) and (c) of the doc): a fork server; each connection sends the spec
      and the run's stdin, stdout, stderr and event fd (SCM_RIGHTS); a child is forked per run, and
      with "join" it enters a ready bubblewrap sandbox's namespaces first.

Both start with `-I -u`: no user site, no PYTHON* variables, no current folder on sys.path while
Ansible is imported (as root, in the spare), and unbuffered streams as PYTHONUNBUFFERED=1 gives a
cold run. Their environment must already have the run's fixed LANG/LC_ALL (the locale is set up at
import and checked again per run).

A spare that finds a different ansible-core than it knows, or fails its self-check, exits with
status 75 (EX_TEMPFAIL) without saying "ready": the worker then runs its runs cold.
"""
import json
import os
import signal
import sys

ANSIBLE_SERIES = '2.14.'
EX_WARM_UNAVAILABLE = 75

# Builtin plugins nearly every run loads. Importing them warms what they import (the action and
# connection bases, module_common, the strategy base, jinja2's compiler); their own modules are then
# dropped from sys.modules again (forget_builtin_plugins), so that a run shipping a plugin of the same
# name in its own folder loads its own, as a cold run would (the plugin loader names plugins from any
# folder ansible.plugins.<type>.<name> and reuses what is in sys.modules under that name).
WARM_PLUGINS = [
    'ansible.plugins.action.normal', 'ansible.plugins.action.command', 'ansible.plugins.action.debug',
    'ansible.plugins.action.gather_facts', 'ansible.plugins.action.set_fact', 'ansible.plugins.action.include_vars',
    'ansible.plugins.connection.local', 'ansible.plugins.connection.ssh',
    'ansible.plugins.shell.sh', 'ansible.plugins.become.sudo',
    'ansible.plugins.strategy.linear', 'ansible.plugins.strategy.free',
    'ansible.plugins.callback.default', 'ansible.plugins.callback.minimal',
    'ansible.plugins.inventory.host_list', 'ansible.plugins.inventory.script', 'ansible.plugins.inventory.auto',
    'ansible.plugins.inventory.yaml', 'ansible.plugins.inventory.ini', 'ansible.plugins.inventory.toml',
    'ansible.plugins.vars.host_group_vars', 'ansible.plugins.cache.memory',
    'ansible.plugins.filter.core', 'ansible.plugins.filter.mathstuff', 'ansible.plugins.filter.urls',
    'ansible.plugins.filter.urlsplit', 'ansible.plugins.filter.encryption',
    'ansible.plugins.test.core', 'ansible.plugins.test.files', 'ansible.plugins.test.mathstuff', 'ansible.plugins.test.uri',
    'ansible.plugins.lookup.items', 'ansible.plugins.lookup.file', 'ansible.plugins.lookup.env',
]
# Further modules a run imports lazily (worker processes, templating, the results queue, ansiballz).
WARM_MODULES = [
    'ansible.cli.playbook', 'ansible.executor.process.worker', 'ansible.executor.task_executor',
    'ansible.executor.module_common', 'ansible.executor.interpreter_discovery', 'ansible.template',
    'ansible.template.native_helpers', 'ansible.plugins.action', 'ansible.plugins.connection',
    'ansible.plugins.strategy', 'ansible.vars.clean', 'ansible.vars.plugins', 'ansible.playbook.included_file',
    'ansible.playbook.handler', 'ansible.playbook.role_include', 'ansible.playbook.task_include',
    'ansible.utils.listify', 'ansible.executor.powershell', 'multiprocessing.queues', 'multiprocessing.synchronize',
    'jinja2.ext', 'jinja2.nativetypes', 'jinja2.compiler', 'ansible.module_utils.facts.timeout',
]
# Class-level field defaults ansible-core 2.14 takes from the configuration at import
# (scan_import_time_config.py): (module, class, field, constant).
FIELD_DEFAULTS = [
    ('ansible.playbook.base', 'Base', 'no_log', 'DEFAULT_NO_LOG'),
    ('ansible.playbook.base', 'Base', 'any_errors_fatal', 'ANY_ERRORS_FATAL'),
    ('ansible.playbook.base', 'Base', 'timeout', 'TASK_TIMEOUT'),
    ('ansible.playbook.play', 'Play', 'gather_timeout', 'DEFAULT_GATHER_TIMEOUT'),
    ('ansible.playbook.play', 'Play', 'fact_path', 'DEFAULT_FACT_PATH'),
    ('ansible.playbook.play', 'Play', 'strategy', 'DEFAULT_STRATEGY'),
    ('ansible.playbook.play_context', 'PlayContext', 'module_compression', 'DEFAULT_MODULE_COMPRESSION'),
    ('ansible.playbook.play_context', 'PlayContext', 'executable', 'DEFAULT_EXECUTABLE'),
    ('ansible.playbook.play_context', 'PlayContext', 'timeout', 'DEFAULT_TIMEOUT'),
    ('ansible.playbook.play_context', 'PlayContext', 'private_key_file', 'DEFAULT_PRIVATE_KEY_FILE'),
    ('ansible.playbook.play_context', 'PlayContext', 'pipelining', 'ANSIBLE_PIPELINING'),
    ('ansible.playbook.play_context', 'PlayContext', 'become_exe', 'DEFAULT_BECOME_EXE'),
    ('ansible.playbook.play_context', 'PlayContext', 'become_flags', 'DEFAULT_BECOME_FLAGS'),
    ('ansible.playbook.task', 'Task', 'poll', 'DEFAULT_POLL_INTERVAL'),
]
# Each plugin loader and the constant its configured folders come from (plugins/loader.py, 2.14).
LOADER_PATHS = {
    'fragment_loader': 'DOC_FRAGMENT_PLUGIN_PATH', 'action_loader': 'DEFAULT_ACTION_PLUGIN_PATH',
    'cache_loader': 'DEFAULT_CACHE_PLUGIN_PATH', 'callback_loader': 'DEFAULT_CALLBACK_PLUGIN_PATH',
    'connection_loader': 'DEFAULT_CONNECTION_PLUGIN_PATH', 'shell_loader': None,
    'module_loader': 'DEFAULT_MODULE_PATH', 'module_utils_loader': 'DEFAULT_MODULE_UTILS_PATH',
    'ps_module_utils_loader': 'DEFAULT_MODULE_UTILS_PATH', 'lookup_loader': 'DEFAULT_LOOKUP_PLUGIN_PATH',
    'filter_loader': 'DEFAULT_FILTER_PLUGIN_PATH', 'test_loader': 'DEFAULT_TEST_PLUGIN_PATH',
    'strategy_loader': 'DEFAULT_STRATEGY_PLUGIN_PATH', 'terminal_loader': 'DEFAULT_TERMINAL_PLUGIN_PATH',
    'vars_loader': 'DEFAULT_VARS_PLUGIN_PATH', 'cliconf_loader': 'DEFAULT_CLICONF_PLUGIN_PATH',
    'netconf_loader': 'DEFAULT_NETCONF_PLUGIN_PATH', 'inventory_loader': 'DEFAULT_INVENTORY_PLUGIN_PATH',
    'httpapi_loader': 'DEFAULT_HTTPAPI_PLUGIN_PATH', 'become_loader': 'BECOME_PLUGIN_PATH',
}

_pristine = {}


class WarmUnavailable(Exception):
    """This interpreter cannot honour a run exactly: the run must go cold."""


def warm_imports(level=None):
    """Imports what a run needs (WARM_MODULES, then WARM_PLUGINS' dependencies) under a neutral
    configuration: no ansible.cfg (ANSIBLE_CONFIG unset, cwd /), nothing but the fixed environment.
    level (for measurements): 'none', 'cli' (ansible.cli.playbook only) or None (everything)."""
    if level == 'none':
        return
    import importlib
    for name in WARM_MODULES if level is None else ['ansible.cli.playbook']:
        importlib.import_module(name)
    if level is None:
        for name in WARM_PLUGINS:
            importlib.import_module(name)
        forget_builtin_plugins()
    from ansible import constants as C
    # ansible.builtin's routing (config/ansible_builtin_runtime.yml, 9,700 lines of YAML, ~120 ms to
    # parse): static, the same for every run; kept with the bytes it was parsed from.
    builtin = sys.modules['ansible_collections.ansible.builtin']
    with open(os.path.join(os.path.dirname(C.__file__), 'config', 'ansible_builtin_runtime.yml'), 'rb') as f:
        _pristine['builtin_routing'] = (f.read(), builtin._collection_meta)
    _pristine['files'] = warm_files()
    _pristine['fingerprint'] = fingerprint(_pristine['files'])
    if os.environ.get('WARM_GC_FREEZE', '1') == '1':
        # What was imported lives as long as the process: out of the collector's way (each full
        # collection of the run would walk it again) and, in a fork server, not written by it
        # (the children's copy-on-write pages stay shared).
        import gc
        gc.collect()
        gc.freeze()
    self_check()


def warm_files():
    """Every file this interpreter has read code or data from while warming up: the modules'
    sources, ansible-core's configuration definitions and builtin routing."""
    files = {getattr(m, '__file__', None) for m in list(sys.modules.values())}
    from ansible import constants as C
    base = os.path.dirname(C.__file__)
    files.update([os.path.join(base, 'config', 'base.yml'), os.path.join(base, 'config', 'ansible_builtin_runtime.yml')])
    return sorted(f for f in files if f)


def fingerprint(files):
    """What the files are on disk now (inode, size, mtime): a package upgrade replaces them."""
    import hashlib
    digest = hashlib.sha1()
    for name in files:
        try:
            st = os.stat(name)
            digest.update(('%s %d %d %d\n' % (name, st.st_ino, st.st_size, st.st_mtime_ns)).encode())
        except OSError:
            digest.update(('%s missing\n' % name).encode())
    return digest.hexdigest()


def still_current():
    """None if every file warmed up from is unchanged on disk, else why not (the run goes cold:
    a cold run would read the new files, and a warm one would mix old code with new)."""
    if 'fingerprint' not in _pristine:
        return None
    now = fingerprint(_pristine['files'])
    return None if now == _pristine['fingerprint'] else 'ansible-core or its libraries changed on disk since the spare started'


def forget_builtin_plugins():
    """Drops every plugin module (ansible.plugins.<type>.<name>, not the type's package) from
    sys.modules again: what they imported stays warm, they themselves are executed afresh by the
    run's plugin loader, as in a cold run, with fresh module-level state, and a run shipping a
    plugin of the same name in its own folder gets its own (see WARM_PLUGINS)."""
    import re
    import ansible.plugins
    plugin = re.compile(r'^ansible\.plugins\.[a-z_]+\.[A-Za-z0-9_]+$')
    for name in [n for n in sys.modules if plugin.match(n)]:
        module = sys.modules[name]
        if hasattr(module, '__path__'):
            continue
        del sys.modules[name]
        package, _, leaf = name.rpartition('.')
        if getattr(sys.modules.get(package), leaf, None) is module:
            delattr(sys.modules[package], leaf)
    # The loaders' caches are emptied per run (reset_ansible_config).
    for cache in (ansible.plugins.MODULE_CACHE, ansible.plugins.PATH_CACHE, ansible.plugins.PLUGIN_PATH_CACHE):
        cache.clear()


def self_check():
    """Refuses to be warm for an ansible-core this file was not written against, or one whose
    import-time configuration reads are not the ones reset_for_run() redoes."""
    from ansible.release import __version__
    if not __version__.startswith(ANSIBLE_SERIES):
        raise WarmUnavailable('ansible-core %s, not %sx' % (__version__, ANSIBLE_SERIES))
    from ansible import constants as C
    from ansible.plugins import loader
    for module, cls, field, constant in FIELD_DEFAULTS:
        attr = getattr(sys.modules[module], cls).__dict__.get(field)
        if attr is None or attr.default != getattr(C, constant):
            raise WarmUnavailable('%s.%s.%s is not the field this file resets' % (module, cls, field))
    loaders = {name for name, _ in loader.get_all_plugin_loaders()}
    if loaders != set(LOADER_PATHS):
        raise WarmUnavailable('plugin loaders %s' % sorted(loaders ^ set(LOADER_PATHS)))
    collections = {name for name in sys.modules if name.startswith('ansible_collections')}
    if collections - {'ansible_collections', 'ansible_collections.ansible', 'ansible_collections.ansible.builtin'}:
        raise WarmUnavailable('a collection was imported while warming up: %s' % sorted(collections))


# --- becoming the run --------------------------------------------------------------------------

def drop_privileges(uid):
    """What the cold path's `setpriv --reuid U --regid U --clear-groups --bounding-set=-all
    --inh-caps=-all --no-new-privs` does, for a process that stays this process (no exec): the
    bounding set emptied while CAP_SETPCAP is still there, groups cleared, gid then uid set (the
    kernel then clears the permitted, effective and ambient sets), inheritable cleared,
    no-new-privs; and dumpable restored (a uid change makes a process non-dumpable, which exec
    undoes in the cold path: its /proc files would be root's, and `ps`, `/proc/self/...` users
    inside the run would differ)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_SET_DUMPABLE, PR_CAP_AMBIENT = 24, 38, 4, 47
    PR_CAP_AMBIENT_CLEAR_ALL = 4
    last_cap = int(open('/proc/sys/kernel/cap_last_cap').read())
    for cap in range(last_cap + 1):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), 'PR_CAPBSET_DROP %d' % cap)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)

    class Header(ctypes.Structure):
        _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), 'capset')
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), 'PR_SET_NO_NEW_PRIVS')
    libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)


CMDLINE_ROOM = 4096


KEEP_WHILE_WARMING = (6, 7, 8)  # CAP_SETGID, CAP_SETUID, CAP_SETPCAP: what drop_privileges needs


def narrow_root():
    """Before importing anything, as root in the sandbox: every capability but the three that
    drop_privileges() needs is given up (bounding set, effective, permitted, inheritable). Root's
    uid stays until the run's uid is known, but without CAP_DAC_OVERRIDE, CAP_SYS_ADMIN & co."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    PR_CAPBSET_DROP = 24
    last_cap = int(open('/proc/sys/kernel/cap_last_cap').read())
    for cap in range(last_cap + 1):
        if cap not in KEEP_WHILE_WARMING and libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), 'PR_CAPBSET_DROP %d' % cap)

    class Header(ctypes.Structure):
        _fields_ = [('version', ctypes.c_uint32), ('pid', ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [('effective', ctypes.c_uint32), ('permitted', ctypes.c_uint32), ('inheritable', ctypes.c_uint32)]

    keep = sum(1 << cap for cap in KEEP_WHILE_WARMING)
    header, data = Header(0x20080522, 0), (Data * 2)()
    data[0].effective = data[0].permitted = keep
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), 'capset')


def name_process(argv):
    """What `ps` and /proc show for a cold run: comm `ansible-playboo` (the script's name, 15
    characters) and cmdline `/usr/bin/python3 /usr/bin/ansible-playbook ARGS` (the shebang's). The
    cmdline is rewritten in place, in the spare's own argument area (/proc/self/stat fields 48-49),
    which its last argument, CMDLINE_ROOM spaces, makes large enough; what is left is NUL bytes (ps
    and pgrep show the same text; /proc/PID/cmdline has trailing NULs). Moving the area instead
    (PR_SET_MM) needs CAP_SYS_RESOURCE, which root does not have everywhere (not on this
    machine). A command longer than the room would be cut: the worker sends such runs cold."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_NAME = 15
    libc.prctl(PR_SET_NAME, os.path.basename(argv[0]).encode()[:15], 0, 0, 0)
    with open('/proc/self/stat') as f:
        stat = f.read()
    fields = stat[stat.rindex(')') + 2:].split()
    arg_start, arg_end = int(fields[45]), int(fields[46])
    size = arg_end - arg_start
    raw = b'\0'.join(os.fsencode(a) for a in [sys.executable] + list(argv)) + b'\0'
    ctypes.memmove(arg_start, raw[:size].ljust(size, b'\0'), size)


def reset_process(argv, env, cwd):
    """The process as a fresh `/usr/bin/ansible-playbook` would have it: environment, cwd, argv,
    sys.path (script folder first, the run's user site if its HOME has one), signal handlers,
    random state."""
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    sys.argv = list(argv)
    sys.orig_argv = [sys.executable] + list(argv)
    import site
    site.USER_BASE = site.USER_SITE = None
    site.ENABLE_USER_SITE = True
    sys.path[:] = [p for p in sys.path if p != '']
    sys.path.insert(0, '/usr/bin')
    user_site = site.getusersitepackages()
    if os.path.isdir(user_site):
        site.addsitedir(user_site)
    # A fresh interpreter: SIGINT raises KeyboardInterrupt (the guard ignores it before bubblewrap and
    # env --default-signal gives the cold command the default back); SIGPIPE and SIGXFSZ ignored.
    for sig in range(1, signal.NSIG):
        if sig in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError, RuntimeError):
            pass
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    import random
    random.seed()


def reset_ansible_config():
    """Everything ansible-core 2.14 reads from its configuration (ansible.cfg, ANSIBLE_*) while it
    is imported, read again for this run: ConfigManager and every constant, the class-level
    field defaults, the plugin loaders' folders and caches, the plugin filter, the collection
    finder, Display, color, logging, the inventory's ignore patterns, unique ids, the locale."""
    if 'ansible.constants' not in sys.modules:
        return  # nothing imported yet (WARM_LEVEL=none): the run reads everything itself
    import ansible.cli
    from ansible import constants as C
    from ansible.config import manager as config_manager
    from ansible.config.manager import ConfigManager, find_ini_config_file

    ansible.cli.check_blocking_io()
    ansible.cli.initialize_locale()

    # ConfigManager.__init__ without parsing base.yml again (its result is pristine in the copy).
    ConfigManager.WARNINGS = set()
    ConfigManager.DEPRECATED = []
    config = C.config
    config._plugins = {}
    config._parsers = {}
    # base.yml's definitions as parsed at import (nothing changes them afterwards; a process is one
    # run, and a forked child has its own copy).
    config._base_defs.pop('CONFIG_FILE', None)
    config._config_file = find_ini_config_file(config.WARNINGS)
    if config._config_file:
        config._parse_config_file()
    config._base_defs['CONFIG_FILE'] = {'default': None, 'type': 'path'}
    for setting in config.get_configuration_definitions():
        C.set_constant(setting, config.get_config_value(setting, variables=vars(C)))
    for warn in config.WARNINGS:
        C._warning(warn)

    for module, cls, field, constant in FIELD_DEFAULTS:
        if module in sys.modules:  # else imported later, by the run, with its configuration
            getattr(sys.modules[module], cls).__dict__[field].default = getattr(C, constant)

    import ansible.plugins
    from ansible.plugins import loader
    from ansible.utils.collection_loader import AnsibleCollectionConfig
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
    from ansible.utils.collection_loader._collection_config import _EventSource
    ansible.plugins.MODULE_CACHE.clear()
    ansible.plugins.PATH_CACHE.clear()
    ansible.plugins.PLUGIN_PATH_CACHE.clear()
    for name, constant in LOADER_PATHS.items():
        plugin_loader = getattr(loader, name)
        paths = getattr(C, constant) if constant else 'shell_plugins'
        args = [plugin_loader.class_name, plugin_loader.package, paths, plugin_loader.subdir]
        if isinstance(plugin_loader, loader.Jinja2Loader):
            args.append(plugin_loader._plugin_wrapper_type)
        plugin_loader.__init__(*args, aliases=plugin_loader.aliases, required_base_class=plugin_loader.base_class)
    loader._PLUGIN_FILTERS = loader._load_plugin_filter()
    # The finder and the ansible_collections packages it made carry the zygote's collection paths
    # (ansible_collections.ansible.__path__ and friends): all gone; the run's finder makes them again,
    # as in a cold run, at the next import. Only the parse of ansible.builtin's routing is reused.
    _AnsibleCollectionFinder._remove()
    for name in [n for n in sys.modules if n == 'ansible_collections' or n.startswith('ansible_collections.')]:
        del sys.modules[name]
    from ansible.utils.collection_loader import _collection_finder
    _collection_finder._AnsibleCollectionLoader._redirected_package_map = {}
    parse = _collection_finder._meta_yml_to_dict
    raw_builtin, parsed_builtin = _pristine.get('builtin_routing', (None, None))

    def meta_yml_to_dict(raw, content_id):
        if content_id == ('ansible.builtin', 'runtime.yml') and raw == raw_builtin:
            _collection_finder._meta_yml_to_dict = parse
            return parsed_builtin
        return parse(raw, content_id)
    _collection_finder._meta_yml_to_dict = meta_yml_to_dict
    AnsibleCollectionConfig._on_collection_load = _EventSource()
    AnsibleCollectionConfig._default_collection = None
    loader._configure_collection_loader()

    from ansible.utils import color
    color.ANSIBLE_COLOR = True
    if C.ANSIBLE_NOCOLOR:
        color.ANSIBLE_COLOR = False
    elif not hasattr(sys.stdout, 'isatty') or not sys.stdout.isatty():
        color.ANSIBLE_COLOR = False
    else:
        try:
            import curses
            curses.setupterm()
            if curses.tigetnum('colors') < 0:
                color.ANSIBLE_COLOR = False
        except ImportError:
            pass
        except Exception:
            color.ANSIBLE_COLOR = False
    if C.ANSIBLE_FORCE_COLOR:
        color.ANSIBLE_COLOR = True

    from ansible.utils import display as display_module
    import logging
    display_module.logger = None
    if getattr(C, 'DEFAULT_LOG_PATH'):
        path = C.DEFAULT_LOG_PATH
        if path and (os.path.exists(path) and os.access(path, os.W_OK)) or os.access(os.path.dirname(path), os.W_OK):
            logging.basicConfig(filename=path, level=logging.INFO,
                                format='%(asctime)s p=%(process)d u=%(user)s n=%(name)s | %(message)s')
            display_module.logger = logging.getLogger('ansible')
            for handler in logging.root.handlers:
                handler.addFilter(display_module.FilterBlackList(getattr(C, 'DEFAULT_LOG_FILTER', [])))
                handler.addFilter(display_module.FilterUserInjector())
        else:
            print("[WARNING]: log file at %s is not writeable and we cannot create it, aborting\n" % path, file=sys.stderr)
    display_module.FilterUserInjector.username = _username()
    display_module.color_to_log_level = {
        C.COLOR_ERROR: logging.ERROR, C.COLOR_WARN: logging.WARNING, C.COLOR_OK: logging.INFO,
        C.COLOR_SKIP: logging.WARNING, C.COLOR_UNREACHABLE: logging.ERROR, C.COLOR_DEBUG: logging.DEBUG,
        C.COLOR_CHANGED: logging.INFO, C.COLOR_DEPRECATE: logging.WARNING, C.COLOR_VERBOSE: logging.INFO}
    display = display_module.Display()
    display._deprecations, display._warns, display._errors = {}, {}, {}
    display.columns = None
    display.b_cowsay = None
    display.noncow = C.ANSIBLE_COW_SELECTION
    display.set_cowsay_info()
    if display.b_cowsay:
        import subprocess
        from ansible.module_utils._text import to_text
        try:
            cmd = subprocess.Popen([display.b_cowsay, "-l"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            out, _ = cmd.communicate()
            if cmd.returncode:
                raise Exception
            display.cows_available = {to_text(c) for c in out.split()}
            if C.ANSIBLE_COW_ACCEPTLIST and any(C.ANSIBLE_COW_ACCEPTLIST):
                display.cows_available = set(C.ANSIBLE_COW_ACCEPTLIST).intersection(display.cows_available)
        except Exception:
            display.b_cowsay = False
    display._set_column_width()

    from ansible.plugins.callback import CallbackBase
    CallbackBase._print_task_path.__defaults__ = (C.COLOR_DEBUG,)

    from ansible.inventory import manager as inventory_manager
    from ansible.module_utils._text import to_bytes
    import re
    inventory_manager.IGNORED_PATTERNS = [to_bytes(x) for x in C.INVENTORY_IGNORE_PATTERNS]
    inventory_manager.IGNORED_EXTS = [b'%s$' % to_bytes(re.escape(x)) for x in C.INVENTORY_IGNORE_EXTS]
    inventory_manager.IGNORED = re.compile(b'|'.join(inventory_manager.IGNORED_ALWAYS + inventory_manager.IGNORED_PATTERNS + inventory_manager.IGNORED_EXTS))

    from ansible.executor import module_common
    module_common.ACTIVE_ANSIBALLZ_TEMPLATE = (module_common.ANSIBALLZ_TEMPLATE if C.DEFAULT_KEEP_REMOTE_FILES
                                               else module_common._strip_comments(module_common.ANSIBALLZ_TEMPLATE))

    import random
    from ansible.utils import vars as ansible_vars
    ansible_vars.cur_id = 0
    ansible_vars.random_int = ("%08x" % random.randint(0, ansible_vars._MAXSIZE))[:8]

    from ansible import context
    context.CLIARGS = context.CLIArgs({})


def _username():
    import getpass
    try:
        return getpass.getuser()
    except KeyError:
        return 'uid=%s' % os.getuid()


def become_run(spec):
    """In the process that will be the run: privileges, process state, configuration; then
    ansible-playbook's main(). Never returns."""
    trace = spec.get('test_trace') and __import__('time').monotonic
    if trace:
        t0 = trace()
        import atexit
        atexit.register(lambda: os.write(2, b'[warm trace] reset %.3f s, run %.3f s\n' % (t1 - t0, trace() - t1)))
    name_process(spec['argv'])
    if spec.get('uid') is not None:
        drop_privileges(int(spec['uid']))
    reset_process(spec['argv'], spec['env'], spec['cwd'])
    if not spec.get('test_skip_config_reset'):  # warm_driver.py config --skip-reset: what the reset is for
        reset_ansible_config()
    sys.stdout.flush()
    if trace:
        t1 = trace()
    from ansible.cli.playbook import main
    # As /usr/bin/ansible-playbook: sys.exit(main()), atexit handlers and all.
    sys.exit(main())


def read_spec(stream):
    line = stream.readline()
    if not line:
        sys.exit(0)
    return json.loads(line)


def spare():
    """Warm up, then become the one run whose command arrives on WARM_SPEC_FD (stdin without it)."""
    level = os.environ.pop('WARM_LEVEL', None)
    ready_fd = os.environ.pop('WARM_READY_FD', None)
    spec_fd = os.environ.pop('WARM_SPEC_FD', None)
    # Neutral ground while importing: no ansible.cfg of the current folder is read (the workspace's
    # is not even written yet), nothing of the run's folder is on sys.path (-I).
    os.chdir('/')
    if os.geteuid() == 0:
        narrow_root()
    # stdout and stderr are the run's (the worker reads them as its transcript): nothing printed
    # while warming up may end up there. They are put back before the run starts.
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        warm_imports(level)
        unavailable = None
    except WarmUnavailable as why:
        unavailable = why
    except Exception as error:  # an ansible-core this file does not know: cold, and say why
        unavailable = 'warm-up failed: %r' % error
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(saved[0], 1)
    os.dup2(saved[1], 2)
    for fd in saved:
        os.close(fd)
    if unavailable is not None:
        print('warm path unavailable: %s' % unavailable, file=sys.stderr)
        sys.exit(EX_WARM_UNAVAILABLE)
    if ready_fd:
        os.write(int(ready_fd), b'ready\n')
    if spec_fd:
        with os.fdopen(int(spec_fd), 'rb') as stream:
            spec = read_spec(stream)
    else:
        spec = read_spec(sys.stdin.buffer)
        # The spare's stdin was its command pipe; a cold run gets /dev/null (run_guard.py).
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
    # Accepted or refused before anything of the run happens: the worker records the warm path only
    # on "accepted", and on "refused" (or an exit without either) runs the same command cold.
    why = still_current()
    if ready_fd:
        os.write(int(ready_fd), b'accepted\n' if why is None else ('refused: %s\n' % why).encode())
        os.close(int(ready_fd))
    if why is not None:
        print('warm path unavailable: %s' % why, file=sys.stderr)
        sys.exit(EX_WARM_UNAVAILABLE)
    become_run(spec)


def setns_into(pid):
    """Enters the namespaces of process `pid` (a bubblewrap sandbox's init): cgroup, IPC, UTS, PID
    (for this process's children) and mount (root and cwd become the sandbox's)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    for name in ('cgroup', 'ipc', 'uts', 'pid', 'mnt'):
        fd = os.open('/proc/%d/ns/%s' % (pid, name), os.O_RDONLY)
        try:
            if libc.setns(fd, 0) != 0:
                raise OSError(ctypes.get_errno(), 'setns %s' % name)
        finally:
            os.close(fd)


def forkserver(path):
    """Accepts runs on a Unix socket; forks one child per run from this never-used interpreter.

    A connection sends its spec line and stdin, stdout, stderr, event fd (SCM_RIGHTS). With
    "join": {"pid": P, "cgroups": [...]} (option (c) of docs/warm-path.md) it also sends a fifth
    fd: the child joins the cgroups, enters the namespaces of P (a bubblewrap sandbox started for
    this run, whose command waits on that fd), forks the run into the sandbox's PID namespace,
    and writes the run's exit status to the fd when it ends, so that the sandbox ends with it."""
    import socket
    level = os.environ.pop('WARM_LEVEL', None)
    warm_imports(level)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(8)
    print('ready', flush=True)
    while True:
        conn, _ = server.accept()
        message, fds, _, _ = socket.recv_fds(conn, 1 << 20, 5)
        spec = json.loads(message)
        pid = os.fork()
        if pid == 0:
            server.close()
            conn.close()
            for target, fd in enumerate(fds[:4]):
                os.dup2(fd, target)
            status_fd = os.dup(fds[4]) if len(fds) > 4 else None  # above 3 now
            join = spec.get('join')
            if join:
                for procs in join.get('cgroups', []):
                    with open(procs, 'w') as f:
                        f.write(str(os.getpid()))
                setns_into(join['pid'])
                run = os.fork()
                if run == 0:
                    os.closerange(4, 65536)  # nothing of the zygote's (or the host's) into the sandbox
                    os.chdir(spec['cwd'])
                    become_run(spec)
                os.closerange(0, 4)
                _, status = os.waitpid(run, 0)
                code = os.waitstatus_to_exitcode(status)
                os.write(status_fd, b'%d\n' % (code if code >= 0 else 128 - code))
                os._exit(0)
            os.closerange(4, 65536)
            become_run(spec)
        for fd in fds:
            os.close(fd)
        _, status = os.waitpid(pid, 0)
        conn.sendall(b'%d\n' % os.waitstatus_to_exitcode(status))
        conn.close()


if __name__ == '__main__':
    if sys.argv[1] == 'spare':
        spare()
    elif sys.argv[1] == 'forkserver':
        forkserver(sys.argv[2])
    else:
        sys.exit('usage: zygote.py spare | forkserver SOCKET')
