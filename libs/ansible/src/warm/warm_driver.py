"""Prototype driver for the warm path (issue #22): runs playbooks cold (the worker's path today: run
guard -> bubblewrap -> setpriv -> ansible-playbook) and warm (run guard -> the same bubblewrap ->
zygote.py spare, pre-spawned, which drops to the run's uid itself and becomes ansible-playbook),
with the worker's real sandbox arguments (sandbox-argv.js, from the compiled worker) and its real
run guard, and compares what they produce.

    python3 warm_driver.py equivalence      # (i) same event sequence, cold vs warm, 6 playbooks
    python3 warm_driver.py isolation        # (ii) nothing of one warm run visible to the next
    python3 warm_driver.py timing [N] [MODES] # (iii) cold vs warm wall time, N rounds (modes: timing())
    python3 warm_driver.py config           # the run's configuration, cold vs warm (346 values)
    python3 warm_driver.py stale            # files changed since warm-up: the spare refuses, the run goes cold
    python3 warm_driver.py stop             # SIGINT to the group, cold vs warm; the worker killed -9 mid-run
    python3 warm_driver.py cpu [N]          # CPU time per run, cold / spare / fork server
    python3 warm_driver.py identity         # the sandboxed process as cold and warm see themselves

Run as root (per-account uids, cgroups), on a machine with bubblewrap and ansible-core 2.14.
"""
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MAIN = os.environ.get('RUNNER_MAIN', os.path.abspath(os.path.join(HERE, '../../../..')))
RUN_GUARD = os.path.join(MAIN, 'libs/process/src/run_guard.py')
CALLBACK_DIR = os.path.join(MAIN, 'libs/ansible/src/plugin/callbacks')
COLLECTIONS_DIR = os.path.join(MAIN, 'collection')
SANDBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
ROOT = os.environ.get('WARM_ROOT', '/tmp/warm-runs')
ACCOUNT = 7
SANDBOX = os.environ.get('WARM_SANDBOX', '1') == '1'
SKIP_RESET = '--skip-reset' in sys.argv
TRACE = '--trace' in sys.argv


# --- a workspace as the worker makes one (workspace.ts, playbook-command.ts) ------------------

def ansible_cfg(ws):
    ssh_args = ' '.join([
        '-F %s/ssh_config' % ws, '-o UserKnownHostsFile=%s/known_hosts' % ws,
        '-o StrictHostKeyChecking=accept-new', '-o ControlMaster=no', '-o BatchMode=yes'])
    return '\n'.join([
        '[defaults]', 'host_key_checking = True', 'retry_files_enabled = False',
        'callbacks_enabled = runner_events', 'callback_plugins = %s' % CALLBACK_DIR,
        'stdout_callback = default', 'local_tmp = %s/tmp' % ws, 'remote_tmp = ~/.ansible/tmp',
        'nocolor = True', 'interpreter_python = auto_silent', 'deprecation_warnings = False',
        '', '[ssh_connection]', 'ssh_args = %s' % ssh_args, 'pipelining = True', ''])


def make_workspace(name, playbook, files=None, uid=None):
    ws = os.path.join(ROOT, name)
    shutil.rmtree(ws, ignore_errors=True)
    os.makedirs(os.path.join(ws, 'home'))
    os.makedirs(os.path.join(ws, 'tmp'))
    with open(os.path.join(ws, 'ansible.cfg'), 'w') as f:
        f.write(ansible_cfg(ws))
    with open(os.path.join(ws, 'ssh_config'), 'w') as f:
        f.write('Host *\n  HashKnownHosts no\n')
    with open(os.path.join(ws, 'inventory.yml'), 'w') as f:
        f.write('all:\n  hosts:\n    localhost:\n      ansible_connection: local\n'
                '      ansible_python_interpreter: /usr/bin/python3\n')
    with open(os.path.join(ws, 'extra-vars.yml'), 'w') as f:
        f.write('{}\n')
    with open(os.path.join(ws, 'playbook.yml'), 'w') as f:
        f.write(playbook)
    for rel, text in (files or {}).items():
        os.makedirs(os.path.dirname(os.path.join(ws, rel)), exist_ok=True)
        with open(os.path.join(ws, rel), 'w') as f:
            f.write(text)
    return ws


def run_env(ws):
    """runEnvironment() and what bubblewrap sets over it: `env PATH=… USER=… LOGNAME=…` in its
    command, PWD (bubblewrap's --chdir)."""
    return {
        'PWD': ws,
        'PATH': SANDBOX_PATH, 'HOME': os.path.join(ws, 'home'), 'LANG': 'C.UTF-8', 'LC_ALL': 'C.UTF-8',
        'ANSIBLE_CONFIG': os.path.join(ws, 'ansible.cfg'),
        'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS_DIR + ':~/.ansible/collections:/usr/share/ansible/collections',
        'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_FORCE_COLOR': '0', 'PYTHONUNBUFFERED': '1', 'RUNNER_EVENT_FD': '3',
        'USER': 'runner', 'LOGNAME': 'runner',
    }


def playbook_argv(ws):
    return ['/usr/bin/ansible-playbook', '-i', os.path.join(ws, 'inventory.yml'),
            '--extra-vars', '@' + os.path.join(ws, 'extra-vars.yml'), os.path.join(ws, 'playbook.yml')]


def sandbox_command(ws, command):
    """The worker's {argv, sandbox, uid} for `command` in `ws` (its cgroups are created)."""
    return _sandbox_command(ws, command)


def _sandbox_command(ws, command):
    out = subprocess.run(['node', os.path.join(HERE, 'sandbox-argv.js'),
                          json.dumps({'workspace': ws, 'account': ACCOUNT, 'command': command})],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def release(wrapped):
    for procs in (wrapped or {}).get('sandbox', {}).get('cgroups', []):
        if '/warm-cpu/' in procs:
            continue  # cpu()'s own
        try:
            os.rmdir(os.path.dirname(procs))
        except OSError:
            pass


def own(ws, uid):
    for base, dirs, files in os.walk(ws):
        for name in dirs + files:
            os.lchown(os.path.join(base, name), uid, uid)
    os.lchown(ws, uid, uid)
    os.chmod(ws, 0o700)
    # the identity files stay root's (run-sandbox.ts)
    sandbox_dir = os.path.join(ws, '.sandbox')
    if os.path.isdir(sandbox_dir):
        for name in ['', 'passwd', 'group']:
            os.lchown(os.path.join(sandbox_dir, name) if name else sandbox_dir, 0, 0)


# --- the run guard with fd 3 (events), and for a spare fd 4 (its command) and fd 5 (ready) ---------

class Guard:
    def __init__(self, spare=False):
        self.events_r, events_w = os.pipe()
        fds = {3: events_w}
        if spare:
            spec_r, self.spec_w = os.pipe()
            self.ready_r, ready_w = os.pipe()
            fds.update({4: spec_r, 5: ready_w})

        def child_fds():
            for target, fd in fds.items():
                os.dup2(fd, target)
            # As the worker's execa: nothing else inherited (this driver's own parent may leak some)
            for name in os.listdir('/proc/self/fd'):
                fd = int(name)
                if fd > 2 and fd not in fds:
                    try:
                        if os.get_inheritable(fd):
                            os.close(fd)
                    except OSError:
                        pass

        self.proc = subprocess.Popen(['/usr/bin/python3', '-I', '-S', RUN_GUARD], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd='/', env={},
                                     start_new_session=True, preexec_fn=child_fds, close_fds=False)
        for fd in fds.values():
            os.close(fd)

    def start(self, argv, cwd, env, sandbox=None):
        spec = {'argv': argv, 'cwd': cwd, 'env': env}
        if sandbox:
            spec['sandbox'] = sandbox
        self.proc.stdin.write((json.dumps(spec) + '\n').encode())
        self.proc.stdin.close()

    def wait_ready(self, timeout=60):
        return self._line(timeout) == b'ready\n'

    def _line(self, timeout):
        import select
        line = b''
        while not line.endswith(b'\n'):
            r, _, _ = select.select([self.ready_r], [], [], timeout)
            chunk = os.read(self.ready_r, 1) if r else b''
            if not chunk:
                break
            line += chunk
        return line

    def send_spec(self, spec):
        """Hands the spare its run; returns its answer: b'accepted\\n' or b'refused: …\\n'."""
        os.write(self.spec_w, (json.dumps(spec) + '\n').encode())
        os.close(self.spec_w)
        answer = self._line(60)
        os.close(self.ready_r)
        return answer

    def finish(self):
        """Reads stdout and the events to EOF, waits; returns (exit code, stdout, events)."""
        import selectors
        sel = selectors.DefaultSelector()
        out, ev = [], []
        sel.register(self.proc.stdout, selectors.EVENT_READ, out)
        sel.register(self.events_r, selectors.EVENT_READ, ev)
        open_streams = 2
        while open_streams:
            for key, _ in sel.select():
                fd = key.fd
                data = os.read(fd, 65536)
                if not data:
                    sel.unregister(key.fileobj)
                    open_streams -= 1
                else:
                    key.data.append(data)
        code = self.proc.wait()
        os.close(self.events_r)
        events = [json.loads(line) for line in b''.join(ev).decode().splitlines() if line.strip()]
        return code, b''.join(out).decode(errors='replace'), events


def cold(ws, argv=None):
    argv = argv or playbook_argv(ws)
    wrapped = sandbox_command(ws, argv) if SANDBOX else None
    if wrapped and wrapped['uid'] is not None:
        own(ws, wrapped['uid'])
    guard = Guard()
    time.sleep(0.05)  # the worker's guard is started ahead (launcher.warm())
    t0 = time.monotonic()
    guard.start(wrapped['argv'] if wrapped else argv, ws, run_env(ws), wrapped and wrapped['sandbox'])
    code, out, events = guard.finish()
    elapsed = time.monotonic() - t0
    release(wrapped)
    return {'code': code, 'out': out, 'events': events, 'seconds': elapsed, 'path': 'cold'}


def spare_argv(wrapped):
    """The cold argv with the command replaced by the spare, and setpriv taken out (the spare drops
    to the run's uid itself, after importing); zygote.py's folder shown read-only."""
    argv = list(wrapped['argv'])
    cut = argv.index('--')
    tail = argv[cut + 1:]
    if tail[0] == '/usr/bin/setpriv':
        tail = tail[tail.index('--') + 1:]
    env_end = max(i for i, a in enumerate(tail) if a.startswith('LOGNAME='))
    tail = tail[:env_end + 1] + ['/usr/bin/python3', '-I', '-u', os.path.join(HERE, 'zygote.py'), 'spare', ' ' * 4096]
    head = argv[:cut] + ['--ro-bind', HERE, HERE]
    # the folders above HERE, traversable (sandbox-arguments.ts: parents())
    parents, d = [], os.path.dirname(HERE)
    while d != '/':
        parents = ['--perms', '0755', '--dir', d] + parents
        d = os.path.dirname(d)
    head = head[:cut] + parents + head[cut:]
    return head + ['--'] + tail


class Spare:
    """A pre-spawned warm sandbox for workspace `ws`, started now, used by run()."""

    def __init__(self, ws, level=None):
        self.ws = ws
        self.wrapped = sandbox_command(ws, ['placeholder']) if SANDBOX else None
        if self.wrapped and self.wrapped['uid'] is not None:
            own(ws, self.wrapped['uid'])
        self.guard = Guard(spare=True)
        env = {'LANG': 'C.UTF-8', 'LC_ALL': 'C.UTF-8', 'PATH': SANDBOX_PATH,
               'WARM_SPEC_FD': '4', 'WARM_READY_FD': '5'}
        if level:
            env['WARM_LEVEL'] = level
        if self.wrapped:
            self.guard.start(spare_argv(self.wrapped), ws, env, self.wrapped['sandbox'])
        else:
            self.guard.start(['/usr/bin/python3', '-I', '-u', os.path.join(HERE, 'zygote.py'), 'spare', ' ' * 4096], ws, env)

    def ready(self):
        return self.guard.wait_ready()

    def run(self, argv=None):
        argv = argv or playbook_argv(self.ws)
        t0 = time.monotonic()
        answer = self.guard.send_spec({'argv': argv, 'env': run_env(self.ws), 'cwd': self.ws,
                                       'uid': self.wrapped['uid'] if self.wrapped else None,
                                       'test_skip_config_reset': SKIP_RESET, 'test_trace': TRACE})
        code, out, events = self.guard.finish()
        release(self.wrapped)
        if answer != b'accepted\n':
            # The fallback: the same run, cold (nothing of it has happened yet). The worker would
            # wrap the cold command with the same RunSandbox; here its identity is made again.
            shutil.rmtree(os.path.join(self.ws, '.sandbox'), ignore_errors=True)
            r = cold(self.ws, argv)
            r['seconds'] = time.monotonic() - t0
            r['path'] = 'cold (warm %s)' % (answer.decode().strip() or 'spare gone')
            return r
        return {'code': code, 'out': out, 'events': events, 'seconds': time.monotonic() - t0, 'path': 'warm'}


def warm(ws, argv=None, level=None):
    spare = Spare(ws, level)
    if not spare.ready():
        code, out, _ = spare.guard.finish()
        raise SystemExit('spare not ready (exit %s): %s' % (code, out))
    return spare.run(argv)


# --- option (a)/(c) for comparison: one fork server per worker, outside any sandbox ------------

class ForkServer:
    def __init__(self, level=None, cgroup=None):
        self.path = os.path.join(ROOT, 'zygote.sock')
        if os.path.exists(self.path):
            os.unlink(self.path)
        env = {'LANG': 'C.UTF-8', 'LC_ALL': 'C.UTF-8', 'PATH': SANDBOX_PATH}
        if level:
            env['WARM_LEVEL'] = level
        def join_cgroup():
            if cgroup:
                with open(cgroup, 'w') as f:
                    f.write(str(os.getpid()))
        self.proc = subprocess.Popen(['/usr/bin/python3', '-I', '-u', os.path.join(HERE, 'zygote.py'), 'forkserver', self.path],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, cwd='/', env=env, start_new_session=True,
                                     preexec_fn=join_cgroup)
        assert self.proc.stdout.readline() == b'ready\n'

    def close(self):
        self.proc.kill()
        self.proc.wait()

    def _send(self, spec, fds):
        import socket
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(self.path)
        socket.send_fds(conn, [json.dumps(spec).encode()], fds)
        return conn

    def run(self, ws, argv=None):
        """Option (a) without its sandbox: a child forked per run (for the isolation of siblings)."""
        argv = argv or playbook_argv(ws)
        out_r, out_w = os.pipe()
        ev_r, ev_w = os.pipe()
        devnull = os.open(os.devnull, os.O_RDONLY)
        t0 = time.monotonic()
        conn = self._send({'argv': argv, 'env': run_env(ws), 'cwd': ws, 'uid': None, 'test_trace': TRACE}, [devnull, out_w, out_w, ev_w])
        for fd in (devnull, out_w, ev_w):
            os.close(fd)
        out, events = _drain(out_r, ev_r)
        code = int(conn.makefile().readline())
        conn.close()
        return {'code': code, 'out': out, 'events': events, 'seconds': time.monotonic() - t0, 'path': 'fork'}

    def holder(self, ws):
        """Option (c): the run's own bubblewrap sandbox, exactly as cold, whose command only waits
        for the run's exit status on fd 4; returns what join() needs."""
        wrapped = sandbox_command(ws, ['/bin/sh', '-c', 'read status <&4; exit "$status"'])
        own(ws, wrapped['uid'])
        guard = Guard(spare=True)  # fd 4: the status pipe's read end (fd 5 unused)
        guard.start(wrapped['argv'], ws, run_env(ws), wrapped['sandbox'])
        pid = None
        for _ in range(500):
            pid = _descendant(guard.proc.pid, 'sh')
            if pid:
                break
            time.sleep(0.01)
        return {'guard': guard, 'wrapped': wrapped, 'pid': pid, 'ws': ws}

    def join(self, holder, argv=None):
        ws, guard = holder['ws'], holder['guard']
        argv = argv or playbook_argv(ws)
        out_r, out_w = os.pipe()
        ev_r, ev_w = os.pipe()
        devnull = os.open(os.devnull, os.O_RDONLY)
        t0 = time.monotonic()
        spec = {'argv': argv, 'env': run_env(ws), 'cwd': ws, 'uid': holder['wrapped']['uid'], 'test_trace': TRACE,
                'join': {'pid': holder['pid'], 'cgroups': holder['wrapped']['sandbox']['cgroups']}}
        conn = self._send(spec, [devnull, out_w, out_w, ev_w, guard.spec_w])
        for fd in (devnull, out_w, ev_w, guard.spec_w):
            os.close(fd)
        out, events = _drain(out_r, ev_r)
        code, guard_out, _ = guard.finish()
        conn.close()
        release(holder['wrapped'])
        return {'code': code, 'out': out + guard_out, 'events': events, 'seconds': time.monotonic() - t0, 'path': 'join'}


def _descendant(root, comm):
    children = {}
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            try:
                with open('/proc/%s/stat' % entry) as f:
                    stat = f.read()
            except OSError:
                continue
            name = stat[stat.index('(') + 1:stat.rindex(')')]
            ppid = int(stat[stat.rindex(')') + 2:].split()[1])
            children.setdefault(ppid, []).append((int(entry), name))
    todo = [root]
    while todo:
        for pid, name in children.get(todo.pop(), []):
            if name == comm:
                return pid
            todo.append(pid)
    return None


def _drain(out_r, ev_r):
    import selectors
    sel = selectors.DefaultSelector()
    out, ev = [], []
    sel.register(out_r, selectors.EVENT_READ, out)
    sel.register(ev_r, selectors.EVENT_READ, ev)
    left = 2
    while left:
        for key, _ in sel.select():
            data = os.read(key.fd, 65536)
            if not data:
                sel.unregister(key.fd)
                os.close(key.fd)
                left -= 1
            else:
                key.data.append(data)
    events = [json.loads(line) for line in b''.join(ev).decode().splitlines() if line.strip()]
    return b''.join(out).decode(errors='replace'), events


# --- comparing event sequences --------------------------------------------------------------

UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')
VOLATILE = {'start', 'end', 'delta', 'timestamp', 'duration', 'ansible_date_time', 'ansible_uptime_seconds'}


def normalize(events, ws):
    ids = {}

    def uid(value):
        if value is None:
            return None
        return ids.setdefault(value, 'U%d' % len(ids))

    def clean(value, key=None):
        if key in VOLATILE:
            return '<%s>' % key
        if isinstance(value, dict):
            return {k: clean(v, k) for k, v in sorted(value.items())}
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, str):
            value = value.replace(ws, '<WS>')
            value = UUID.sub(lambda m: uid(m.group(0)), value)
            value = re.sub(r'ansible-tmp-[0-9.]+-\d+-\d+', 'ansible-tmp-X', value)
            value = re.sub(r'\d+\.\d+s', 'N.Ns', value)
        return value

    out = []
    for e in events:
        e = dict(e)
        e.pop('timestamp', None)
        e['uuid'] = uid(e.get('uuid'))
        e['parent_uuid'] = uid(e.get('parent_uuid'))
        out.append(clean(e))
    return out


def transcript(out, ws):
    text = out.replace(ws, '<WS>')
    text = re.sub(r'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.,]\d+', '<time>', text)
    text = re.sub(r'"delta": "[0-9:.]+"', '"delta": "<delta>"', text)
    return text


PLAYBOOKS = {
    'trivial': '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: one
      debug: msg=hello
    - name: two
      command: /bin/true
''',
    'loops': '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: loop with skipped items
      debug: msg="item {{ item }}"
      loop: [1, 2, 3, 4, 5]
      when: item is odd
    - name: loop over dicts with a label
      command: echo {{ item.name }}
      loop: [{name: a}, {name: b}]
      loop_control: {label: "{{ item.name }}"}
      changed_when: false
    - name: skipped task
      debug: msg=never
      when: false
''',
    'blocks': '''
- hosts: localhost
  gather_facts: false
  tasks:
    - block:
        - name: in block
          debug: msg=block
        - name: fails
          command: /bin/false
        - name: not reached
          debug: msg=no
      rescue:
        - name: rescued
          debug: msg="rescued {{ ansible_failed_task.name }}"
      always:
        - name: always
          debug: msg=always
''',
    'handlers': '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: notify
      command: /bin/true
      notify: [h1, h2]
    - meta: flush_handlers
    - name: after flush
      debug: msg=after
      changed_when: true
      notify: h1
  handlers:
    - name: h1
      debug: msg="handler one"
    - name: h2
      debug: msg="handler two"
''',
    'ignore_errors': '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: fails but ignored
      command: /bin/false
      ignore_errors: true
    - name: failed_when
      command: /bin/true
      failed_when: true
      ignore_errors: yes
    - name: still runs
      debug: var=ansible_version.full
''',
    'two_plays': '''
- name: first play
  hosts: localhost
  gather_facts: true
  gather_subset: [min]
  tasks:
    - name: a fact
      set_fact: {answer: 42}
    - name: show
      debug: msg="{{ answer }} {{ ansible_facts.system }}"
- name: second play
  hosts: all
  gather_facts: false
  tasks:
    - name: fact from the first play
      debug: var=answer
    - name: fails for real
      command: /bin/false
    - name: not reached
      debug: msg=no
''',
}


PLAYBOOKS['project'] = '''
- hosts: localhost
  gather_facts: false
  collections: [acme.demo]
  roles: [r1]
  tasks:
    - name: a module of a collection on the run's collections path
      acme.demo.hello: {name: world}
      register: greeting
    - name: short name through the play's collections keyword
      hello: {name: again}
    - name: the collection's filter, and the runner collection of the repository
      debug: msg="{{ greeting.msg | acme.demo.shout }}"
'''
PLAYBOOK_FILES = {'project': {
    'roles/r1/tasks/main.yml': '''
- name: the role's own module
  mymod: {value: 3}
  register: r
- name: the role's own filter
  debug: msg="{{ r.doubled | role_triple }}"
''',
    'roles/r1/library/mymod.py': '''#!/usr/bin/python3
from ansible.module_utils.basic import AnsibleModule
m = AnsibleModule(argument_spec={'value': {'type': 'int'}})
m.exit_json(changed=False, doubled=m.params['value'] * 2)
''',
    'roles/r1/filter_plugins/triple.py': '''
class FilterModule(object):
    def filters(self):
        return {'role_triple': lambda v: v * 3}
''',
    'collections/ansible_collections/acme/demo/galaxy.yml': 'namespace: acme\nname: demo\nversion: 1.0.0\n',
    'collections/ansible_collections/acme/demo/meta/runtime.yml': 'requires_ansible: ">=2.14"\n',
    'collections/ansible_collections/acme/demo/plugins/modules/hello.py': '''#!/usr/bin/python3
from ansible.module_utils.basic import AnsibleModule
m = AnsibleModule(argument_spec={'name': {'type': 'str'}})
m.exit_json(changed=False, msg='hello ' + m.params['name'])
''',
    'collections/ansible_collections/acme/demo/plugins/filter/shout.py': '''
class FilterModule(object):
    def filters(self):
        return {'shout': lambda v: v.upper() + '!'}
''',
}}
PLAYBOOK_ENV = {'project': lambda ws: {'ANSIBLE_COLLECTIONS_PATH': COLLECTIONS_DIR + ':' + os.path.join(ws, 'collections') + ':~/.ansible/collections:/usr/share/ansible/collections'}}


# For timing only: what a warm run still costs without tasks, and without a module process.
TIMING_PLAYBOOKS = dict(PLAYBOOKS, empty='''
- hosts: localhost
  gather_facts: false
  tasks: []
''', debug_only='''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: one
      debug: msg=hello
    - name: two
      debug: msg=again
''')


def equivalence():
    failures = 0
    for name, text in PLAYBOOKS.items():
        results = {}
        for path in ('cold', 'warm'):
            ws = make_workspace('eq-%s-%s' % (name, path), text, PLAYBOOK_FILES.get(name))
            global run_env
            plain = run_env
            if name in PLAYBOOK_ENV:
                run_env = lambda w, plain=plain: dict(plain(w), **PLAYBOOK_ENV[name](w))
            try:
                r = cold(ws) if path == 'cold' else warm(ws)
            finally:
                run_env = plain
            results[path] = (r['code'], normalize(r['events'], ws), transcript(r['out'], ws))
        (cc, ce, ct), (wc, we, wt) = results['cold'], results['warm']
        same = cc == wc and ce == we and ct == wt
        print('%-14s exit %s/%s, %3d/%3d events, events %s, transcript %s' % (
            name, cc, wc, len(ce), len(we), 'identical' if ce == we else 'DIFFER',
            'identical' if ct == wt else 'DIFFERS'))
        if not same:
            failures += 1
            import difflib
            for line in list(difflib.unified_diff(json.dumps(ce, indent=1).splitlines(), json.dumps(we, indent=1).splitlines(), 'cold', 'warm', lineterm=''))[:40]:
                print('   ', line)
            for line in list(difflib.unified_diff(ct.splitlines(), wt.splitlines(), 'cold', 'warm', lineterm=''))[:20]:
                print('   ', line)
    return failures


LEAK_PLUGIN = '''
import os, sys
COUNTER = 0
def bump(value):
    global COUNTER
    COUNTER += 1
    return COUNTER
class FilterModule(object):
    def filters(self):
        return {'leak_bump': bump}
'''
LEAK = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: a fact, cacheable
      set_fact: {leaked_fact: secret-of-run-a, cacheable: true}
    - name: module-level value in the run's own plugin
      debug: msg="{{ 1 | leak_bump }} {{ 1 | leak_bump }}"
    - name: environment, constants, builtin module state, from a lookup of the run's own
      debug: msg="{{ lookup('leak_env') }}"
'''
LEAK_LOOKUP = '''
import os, sys
from ansible.plugins.lookup import LookupBase
class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        os.environ['LEAKED_ENV'] = 'from-run-a'
        import ansible.constants as C
        C.LEAKED_CONSTANT = 'from-run-a'
        import ansible.utils.vars
        ansible.utils.vars.LEAKED = 'from-run-a'
        import signal
        signal.signal(signal.SIGUSR1, lambda *a: None)
        global HELD
        HELD = open(os.path.join(os.environ['HOME'], 'held-open'), 'w')
        return ['set']
'''
PROBE = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: the other run's fact
      debug: msg="{{ hostvars['localhost']['leaked_fact'] | default('UNDEFINED') }}"
    - name: the other run's plugin module value (own plugin of the same name, fresh counter)
      debug: msg="{{ 1 | leak_bump }}"
    - name: what the interpreter holds
      debug: msg="{{ lookup('probe_state') }}"
'''
PROBE_LOOKUP = '''
import os, sys, signal
from ansible.plugins.lookup import LookupBase
class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        import ansible.constants as C
        import ansible.utils.vars as v
        fds = sorted(int(f) for f in os.listdir('/proc/self/fd'))
        return ['env=%s const=%s module=%s sigusr1=%s leak_lookup_loaded=%s fds=%s uid=%s cwd=%s' % (
            os.environ.get('LEAKED_ENV', 'UNSET'), getattr(C, 'LEAKED_CONSTANT', 'UNSET'),
            getattr(v, 'LEAKED', 'UNSET'), signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL,
            any('leak_env' in m for m in sys.modules), fds, os.getuid(), os.getcwd())]
'''


def isolation(via='spare'):
    """Run A (warm) changes the interpreter every way a playbook can; run B (warm, next, same
    account) looks for it, and cold run C says what B should see. via='join': A and B are
    children of one fork server (option (c)), siblings from the same never-used zygote."""
    server = ForkServer() if via == 'join' else None
    warm = (lambda ws: server.join(server.holder(ws))) if server else globals()['warm']
    try:
        return _isolation(warm)
    finally:
        if server:
            server.close()


def _isolation(warm):
    a = make_workspace('iso-a', LEAK, {'filter_plugins/leak.py': LEAK_PLUGIN, 'lookup_plugins/leak_env.py': LEAK_LOOKUP})
    ra = warm(a)
    msgs_a = [e['event_data'].get('msg') for e in ra['events'] if e['event'] == 'runner_on_ok' and 'msg' in e.get('event_data', {})]
    print('run A exit %s: %s' % (ra['code'], msgs_a))
    b = make_workspace('iso-b', PROBE, {'filter_plugins/leak.py': LEAK_PLUGIN, 'lookup_plugins/probe_state.py': PROBE_LOOKUP})
    rb = warm(b)
    msgs_b = [e['event_data'].get('msg') for e in rb['events'] if e['event'] == 'runner_on_ok' and 'msg' in e.get('event_data', {})]
    print('run B exit %s: %s' % (rb['code'], msgs_b))
    c = make_workspace('iso-c', PROBE, {'filter_plugins/leak.py': LEAK_PLUGIN, 'lookup_plugins/probe_state.py': PROBE_LOOKUP})
    rc = cold(c)
    msgs_c = [e['event_data'].get('msg') for e in rc['events'] if e['event'] == 'runner_on_ok' and 'msg' in e.get('event_data', {})]
    print('cold C exit %s: %s' % (rc['code'], msgs_c))
    ok = msgs_b[:2] == ['UNDEFINED', '1'] and 'UNSET' in msgs_b[2] and msgs_b[2].count('UNSET') == 3 \
        and 'leak_lookup_loaded=False' in msgs_b[2] and 'sigusr1=True' in msgs_b[2]
    same_as_cold = [m.replace(b, '<WS>') for m in msgs_b] == [m.replace(c, '<WS>') for m in msgs_c]
    print('nothing of A visible in B: %s; B reports exactly what a cold run reports: %s' % (ok, same_as_cold))
    return 0 if ok and same_as_cold else 1


IDENTITY = '''
- hosts: localhost
  gather_facts: false
  tasks:
    - name: status
      command: grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp|Seccomp_filters)' /proc/self/status
    - name: ansible's own process
      shell: |
        grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)' /proc/$PPID/status
        stat -c '%u %g' /proc/$PPID/status
        sort /proc/$PPID/cgroup
        for p in /proc/[0-9]*; do echo "$(basename $p) $(cat $p/comm) ppid=$(awk '/^PPid/{print $2}' $p/status) $(tr '\\0' ' ' < $p/cmdline | cut -c1-200)"; done
        hostname; id
    - name: ansible's signal dispositions and its open files
      shell: |
        grep -E '^Sig(Ign|Cgt|Blk)' /proc/$PPID/status
        ls -l /proc/$PPID/fd | awk '{print $9, $10, $11}' | tail -n +2 | sed -e 's/[0-9]*]/N]/'
'''


def identity():
    rows = {}
    for path in ('cold', 'warm'):
        ws = make_workspace('id-' + path, IDENTITY)
        r = cold(ws) if path == 'cold' else warm(ws)
        # /proc/PID/cmdline of the warm process ends in NUL padding (zygote.name_process): the
        # text is compared, line ends stripped.
        rows[path] = ['\n'.join(line.rstrip() for line in re.sub(r'ansible-tmp-[0-9.]+-\d+-\d+', 'ansible-tmp-X', (e['event_data'].get('stdout') or '').replace(ws, '<WS>')).splitlines())
                      for e in r['events'] if e['event'] == 'runner_on_ok']
        print('--- %s (exit %s)' % (path, r['code']))
        for block in rows[path]:
            print(re.sub(r'run-\d+-[0-9a-f]+', 'run-X', block))
    same = [re.sub(r'run-\d+-[0-9a-f]+', 'run-X', b) for b in rows['cold']] == [re.sub(r'run-\d+-[0-9a-f]+', 'run-X', b) for b in rows['warm']]
    import difflib
    for line in difflib.unified_diff('\n'.join(rows['cold']).splitlines(), '\n'.join(rows['warm']).splitlines(), 'cold', 'warm', lineterm=''):
        print('   ', line)
    print('identical: %s' % same)
    return 0 if same else 1


FINGERPRINT_LOOKUP = """
import hashlib, json, os, sys, locale
from ansible.plugins.lookup import LookupBase


def h(value):
    return hashlib.sha1(repr(value).encode()).hexdigest()[:12]


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        import ansible.constants as C
        from ansible.plugins import loader
        from ansible.utils import color, display as display_module
        from ansible.utils.collection_loader import AnsibleCollectionConfig
        from ansible.inventory import manager as inventory_manager
        from ansible.executor import module_common
        from ansible.playbook.base import Base
        from ansible.playbook.play import Play
        from ansible.playbook.play_context import PlayContext
        from ansible.playbook.task import Task
        from ansible import context
        out = {}
        for name in sorted(n for n in dir(C) if n.isupper()):
            value = getattr(C, name)
            out['C.' + name] = repr(sorted(value, key=repr)) if isinstance(value, (set, frozenset)) else repr(value)
        out['C.DEFAULT_LOCAL_TMP'] = out['C.DEFAULT_LOCAL_TMP'].rsplit('-', 1)[0] + '-<random>'
        out['C.config._config_file'] = C.config._config_file
        for name, plugin_loader in loader.get_all_plugin_loaders():
            out['loader.%s.config' % name] = plugin_loader.config
            out['loader.%s.paths' % name] = plugin_loader._get_paths()
            out['loader.%s.extra_dirs' % name] = plugin_loader._extra_dirs
        out['plugin_filters'] = repr(sorted((k, sorted(v)) for k, v in loader._PLUGIN_FILTERS.items()))
        out['collections.paths'] = AnsibleCollectionConfig.collection_paths
        out['collections.playbook_paths'] = AnsibleCollectionConfig.playbook_paths
        out['collections.default'] = AnsibleCollectionConfig.default_collection
        out['collections.finders'] = sum(1 for f in sys.meta_path if type(f).__name__ == '_AnsibleCollectionFinder')
        out['collections.on_load_handlers'] = len(AnsibleCollectionConfig.on_collection_load._handlers)
        out['ansible_collections.__path__'] = list(sys.modules['ansible_collections'].__path__)
        out['ansible_collections.ansible.__path__'] = list(sys.modules['ansible_collections.ansible'].__path__)
        out['color'] = color.ANSIBLE_COLOR
        out['display.logger'] = repr(display_module.logger and display_module.logger.handlers)
        out['display.color_to_log_level'] = sorted(display_module.color_to_log_level.items())
        d = display_module.Display()
        out['display.fields'] = repr((d.verbosity, d.noncow, d.b_cowsay, d.columns, sorted(d._warns), sorted(d._deprecations)))
        out['inventory.IGNORED'] = inventory_manager.IGNORED.pattern
        out['ansiballz'] = h(module_common.ACTIVE_ANSIBALLZ_TEMPLATE)
        for cls, field in [(Base, 'no_log'), (Base, 'any_errors_fatal'), (Base, 'timeout'), (Play, 'gather_timeout'),
                           (Play, 'fact_path'), (Play, 'strategy'), (PlayContext, 'module_compression'),
                           (PlayContext, 'executable'), (PlayContext, 'timeout'), (PlayContext, 'private_key_file'),
                           (PlayContext, 'pipelining'), (PlayContext, 'become_exe'), (PlayContext, 'become_flags'), (Task, 'poll')]:
            out['field.%s.%s' % (cls.__name__, field)] = repr(cls.__dict__[field].default)
        from ansible.plugins.callback import CallbackBase
        out['callback._print_task_path.defaults'] = CallbackBase._print_task_path.__defaults__
        out['cliargs'] = repr(sorted(context.CLIARGS.items()))
        out['sys.path'] = sys.path
        out['sys.argv'] = sys.argv
        out['environ'] = sorted(os.environ.items())
        out['cwd'] = os.getcwd()
        out['locale'] = locale.setlocale(locale.LC_ALL)
        out['umask'] = os.umask(0o022)
        os.umask(out['umask'])
        out['stdout'] = (sys.stdout.encoding, sys.stdout.errors, sys.stdout.line_buffering, sys.stdout.write_through)
        out['plugin_modules'] = sorted(n for n in sys.modules if n.startswith('ansible.plugins.') and n.count('.') >= 3)
        out['collections_modules'] = sorted(n for n in sys.modules if n.startswith('ansible_collections'))
        with open(os.path.join(os.environ['HOME'], 'fingerprint.json'), 'w') as f:
            json.dump(out, f, indent=1, sort_keys=True, default=repr)
        return ['written']
"""
FINGERPRINT = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: fingerprint
      debug: msg="{{ lookup('fingerprint') }}"
      no_log: false
"""
UNUSUAL_CFG = """
[defaults]
forks = 3
timeout = 17
poll_interval = 7
gather_timeout = 21
fact_path = {ws}/facts.d
strategy = free
task_timeout = 99
module_compression = ZIP_STORED
executable = /bin/bash
private_key_file = {ws}/key
keep_remote_files = True
log_path = {ws}/ansible.log
inventory_ignore_extensions = .foo, .bar
inventory_ignore_patterns = skipme
roles_path = {ws}/roles
library = {ws}/library
filter_plugins = {ws}/fplugins
any_errors_fatal = True
[privilege_escalation]
become_exe = /usr/bin/doas
become_flags = -n
[colors]
debug = bright blue
"""


def config():
    """The run's configuration as the run sees it, cold and warm, with an ansible.cfg that changes
    every setting read at import and an ANSIBLE_* variable in the environment."""
    prints = {}
    for path in ('cold', 'warm'):
        ws = make_workspace('cfg-' + path, FINGERPRINT, {'lookup_plugins/fingerprint.py': FINGERPRINT_LOOKUP})
        with open(os.path.join(ws, 'ansible.cfg')) as f:
            base = f.read()
        extra = UNUSUAL_CFG.format(ws=ws)
        merged = base.replace('[defaults]\n', extra.split('[privilege_escalation]')[0].replace('\n[defaults]\n', '[defaults]\n', 1).lstrip('\n'), 1)
        merged = merged.replace('pipelining = True', 'pipelining = False') + '[privilege_escalation]' + extra.split('[privilege_escalation]')[1]
        with open(os.path.join(ws, 'ansible.cfg'), 'w') as f:
            f.write(merged)
        env_extra = {'ANSIBLE_TIMEOUT': '33', 'ANSIBLE_DISPLAY_SKIPPED_HOSTS': 'False'}
        global run_env
        plain = run_env
        run_env = lambda w: dict(plain(w), **env_extra)
        try:
            r = cold(ws) if path == 'cold' else warm(ws)
        finally:
            run_env = plain
        print('%s exit %s' % (path, r['code']))
        if r['code'] != 0:
            print(r['out'][-3000:])
        with open(os.path.join(ws, 'home', 'fingerprint.json')) as f:
            prints[path] = json.loads(f.read().replace(ws, '<WS>'))
    cold_fp, warm_fp = prints['cold'], prints['warm']
    differ = [k for k in sorted(set(cold_fp) | set(warm_fp)) if cold_fp.get(k) != warm_fp.get(k)]
    print('%d values compared, %d differ' % (len(cold_fp), len(differ)))
    for k in differ:
        print('  %s\n    cold: %s\n    warm: %s' % (k, str(cold_fp.get(k))[:300], str(warm_fp.get(k))[:300]))
    for k in ['C.DEFAULT_TIMEOUT', 'C.DEFAULT_STRATEGY', 'field.PlayContext.timeout', 'field.Play.strategy', 'loader.filter_loader.config', 'C.DEFAULT_LOG_PATH', 'color', 'inventory.IGNORED']:
        print('  e.g. %s = %s' % (k, str(warm_fp.get(k))[:150]))
    return 1 if differ else 0


def timing(rounds=10, modes=('cold', 'warm-full')):
    """Wall time of the trivial playbook from the command handed over (the run guard's stdin, the
    spare's spec pipe, the fork server's socket) to the end of its output and events, modes
    interleaved round by round. warm-LEVEL: a ready spare (zygote.py spare, WARM_LEVEL none / cli /
    full), in the run's sandbox; join-full: option (c), the fork server's child entering a ready
    sandbox; fork-full: option (a) without any sandbox (the floor of a fork server)."""
    results = {mode: [] for mode in modes}
    extra = {}
    server = ForkServer() if any(m.startswith(('join', 'fork')) for m in modes) else None
    try:
        for i in range(rounds):
            for mode in modes:
                ws = make_workspace('t-' + mode, TIMING_PLAYBOOKS[os.environ.get('WARM_PLAYBOOK', 'trivial')])
                if mode == 'cold':
                    r = cold(ws)
                elif mode == 'bare':
                    # ansible-playbook as figure 1's baseline runs it: no sandbox, no service (our
                    # ansible.cfg and callback kept: README measured them costing nothing)
                    global SANDBOX
                    SANDBOX, keep = False, SANDBOX
                    try:
                        r = cold(ws)
                    finally:
                        SANDBOX = keep
                elif mode.startswith('warm-'):
                    level = mode.split('-', 1)[1]
                    spare = Spare(ws, None if level == 'full' else level)
                    t_spawn = time.monotonic()
                    assert spare.ready()
                    extra.setdefault('spare ready after (%s)' % level, []).append(time.monotonic() - t_spawn)
                    time.sleep(0.2)  # a ready spare waits for its claim
                    r = spare.run()
                elif mode == 'join-full':
                    holder = server.holder(ws)
                    time.sleep(0.2)
                    r = server.join(holder)
                elif mode == 'fork-full':
                    r = server.run(ws)
                assert r['code'] == 0, r['out']
                results[mode].append(r['seconds'])
    finally:
        if server:
            server.close()
    base = statistics.median(results['cold']) if 'cold' in results else None
    for key, values in list(results.items()) + list(extra.items()):
        ratio = ' (%.2f x cold)' % (statistics.median(values) / base) if base and key in results else ''
        print('%-28s median %.3f s%s  min %.3f max %.3f n=%d' % (key, statistics.median(values), ratio, min(values), max(values), len(values)))
    return results


def cpu(rounds=5):
    """CPU time (user + system) of every process of a trivial run: the run guard's child, bubblewrap,
    Ansible, its forks and modules, and for a spare its imports. Counted by a cpuacct cgroup of
    this measurement's own, which the run joins with its other cgroups (the run guard's child, the
    fork server's child for join-full). The fork server's start-up is counted apart, once: its
    imports serve every run of the worker."""
    base = '/sys/fs/cgroup/cpuacct/warm-cpu'
    os.makedirs(base, exist_ok=True)
    procs = os.path.join(base, 'cgroup.procs')
    global _sandbox_command
    plain = _sandbox_command

    def counted(ws, command):
        wrapped = plain(ws, command)
        wrapped['sandbox']['cgroups'].append(procs)
        return wrapped
    _sandbox_command = counted

    def usage():
        with open(os.path.join(base, 'cpuacct.usage')) as f:
            return int(f.read()) / 1e9
    try:
        for mode in ('cold', 'warm-full', 'join-full'):
            server = None
            if mode == 'join-full':
                start = usage()
                server = ForkServer(cgroup=procs)
                print('%-14s %.3f s CPU once per worker (its imports)' % ('fork server', usage() - start))
            times, ahead = [], []
            for i in range(rounds):
                ws = make_workspace('cpu-' + mode, PLAYBOOKS['trivial'])
                before = usage()
                if mode == 'cold':
                    r = cold(ws)
                elif mode == 'warm-full':
                    spare = Spare(ws)
                    assert spare.ready()
                    time.sleep(0.1)
                    ahead.append(usage() - before)
                    r = spare.run()
                else:
                    r = server.join(server.holder(ws))
                assert r['code'] == 0
                time.sleep(0.1)
                times.append(usage() - before)
            if server:
                server.close()
            print('%-14s median %.3f s CPU per run (min %.3f, max %.3f, n=%d)' % (mode, statistics.median(times), min(times), max(times), len(times)))
            if ahead:
                after = [t - a for t, a in zip(times, ahead)]
                print('%-14s   of which before the run is handed over: median %.3f s; after: %.3f s' % ('', statistics.median(ahead), statistics.median(after)))
    finally:
        _sandbox_command = plain
        time.sleep(0.2)
        os.rmdir(base)


STOP = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: before
      debug: msg=before
    - name: long
      command: sleep 30
    - name: after
      debug: msg=after
"""


def stop():
    """The worker's stop: SIGINT to the run guard's process group while a task runs. Cold and warm
    must end the same way (exit code, transcript, events)."""
    import threading
    results = {}
    for path in ('cold', 'warm'):
        ws = make_workspace('stop-' + path, STOP)
        holder = {}
        original = Guard.__init__

        def spy(self, *args, **kwargs):
            original(self, *args, **kwargs)
            holder['guard'] = self
        Guard.__init__ = spy
        try:
            if path == 'cold':
                timer = threading.Timer(6.0, lambda: os.killpg(holder['guard'].proc.pid, signal.SIGINT))
                timer.start()
                r = cold(ws)
            else:
                spare = Spare(ws)
                assert spare.ready()
                timer = threading.Timer(4.0, lambda: os.killpg(holder['guard'].proc.pid, signal.SIGINT))
                timer.start()
                r = spare.run()
        finally:
            Guard.__init__ = original
        results[path] = (r['code'], [e['event'] + ':' + str(e.get('task')) for e in r['events']], transcript(r['out'], ws))
        print('%s: exit %s, %.1f s, events %s' % (path, r['code'], r['seconds'], results[path][1]))
        print('   ', results[path][2].strip().splitlines()[-3:])
    same = results['cold'] == results['warm']
    print('identical: %s' % same)
    time.sleep(0.5)
    left = subprocess.run(['pgrep', '-f', '^sleep 30'], capture_output=True, text=True).stdout.split()
    print('processes left after the stops: %d' % len(left))
    # The worker itself killed -9 during a warm run: its run guard takes the group down.
    worker = subprocess.Popen([sys.executable, __file__, '_warm_long'])
    time.sleep(6)
    uid = str(2_000_000_000 + ACCOUNT)
    running = subprocess.run(['pgrep', '-u', uid], capture_output=True, text=True).stdout.split()
    print('processes of uid %s while the warm run runs: %d' % (uid, len(running)))
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    time.sleep(1.5)
    survivors = subprocess.run(['pgrep', '-u', uid], capture_output=True, text=True).stdout.split()
    print('processes of uid %s left after the worker was killed -9: %d' % (uid, len(survivors)))
    return 0 if same and not left and running and not survivors else 1


def stale():
    """A spare whose files change on disk after it warmed up (here zygote.py itself, which it
    imported like any other module; on a host, an ansible-core upgrade) refuses its run, which
    then runs cold."""
    ws = make_workspace('stale', PLAYBOOKS['trivial'])
    spare = Spare(ws)
    assert spare.ready()
    os.utime(os.path.join(HERE, 'zygote.py'))
    r = spare.run()
    print('exit %s, path: %s, %d events' % (r['code'], r['path'], len(r['events'])))
    return 0 if r['code'] == 0 and r['path'].startswith('cold (warm refused') and len(r['events']) == 9 else 1


if __name__ == '__main__':
    os.makedirs(ROOT, exist_ok=True)
    os.chmod(ROOT, 0o755)
    what = sys.argv[1]
    if what == 'equivalence':
        sys.exit(equivalence())
    if what == 'isolation':
        sys.exit(isolation(sys.argv[2] if len(sys.argv) > 2 else 'spare'))
    if what == 'identity':
        sys.exit(identity())
    if what == 'cpu':
        sys.exit(cpu(int(sys.argv[2]) if len(sys.argv) > 2 else 5))
    if what == 'stop':
        sys.exit(stop())
    if what == '_warm_long':
        warm(make_workspace('stop-killed', STOP))
    if what == 'stale':
        sys.exit(stale())
    if what == 'config':
        sys.exit(config())
    if what == 'timing':
        modes = sys.argv[3].split(',') if len(sys.argv) > 3 else ['cold', 'warm-full']
        timing(int(sys.argv[2]) if len(sys.argv) > 2 else 10, modes)
