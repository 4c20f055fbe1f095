"""Runs a command and takes its whole process group down if the worker that started it dies
(ansible-playbook of a run, and the run's ssh-agent).

The worker starts this as the leader of a new process group (session), for ansible-playbook ahead
of time: it waits for the command as one JSON line on stdin ({"argv", "cwd", "env"}), so Python's
start-up is paid before the run needs it; EOF first (the worker discarded it, or died) ends it quietly. It forks the
command into the same group, ignores the interrupt the worker sends to the group to
stop a run (ansible handles that one), and polls its parent: once the worker is gone (killed -9,
crashed), it SIGKILLs the group, so no orphaned Ansible keeps changing hosts after the run has
been declared lost. It exits with the command's exit status.

A sandboxed run (sandbox.ts) adds {"sandbox": {"cgroups", "rlimits"}} to the command: the child
joins the run's cgroups and sets its rlimits while it is still the worker's user (root), and ignores
SIGINT before it execs bubblewrap, whose outer process would otherwise die of the interrupt that
stops a run and take the sandbox with it; the command inside gets SIGINT back (env --default-signal).
Dropping to the run's uid happens inside the sandbox (setpriv), after bubblewrap has mounted it.
The child also enters a Landlock domain of the run's own (confine_sockets).
"""
import ctypes  # for Landlock; imported while this guard waits as the spare, off the launch path
import json
import os
import signal
import struct
import sys

SYS_LANDLOCK_CREATE_RULESET = 444  # the same number on every architecture (syscalls since 5.1)
SYS_LANDLOCK_RESTRICT_SELF = 446
PR_SET_NO_NEW_PRIVS = 38


def command():
    line = sys.stdin.buffer.readline()
    if not line:
        sys.exit(0)
    spec = json.loads(line)
    return spec["argv"], spec["cwd"], spec["env"], spec.get("sandbox")


def confine_sockets():
    """A Landlock domain for this run (the kernel's LSM, best effort: a kernel without it, or older,
    confines less). The run shares the host's network namespace, so without this it could connect
    to abstract Unix sockets of the host and of other runs, and listen on TCP ports that other runs
    (or the service) connect to. With ABI 6 (Linux 6.12): no abstract socket and no signal outside
    the domain; with ABI 4 (Linux 6.7): no bind() of a TCP port, connecting out stays allowed."""
    libc = ctypes.CDLL(None, use_errno=True)
    abi = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, 0, 1)
    if abi < 4:
        return
    bind_tcp = 1  # LANDLOCK_ACCESS_NET_BIND_TCP, handled and never granted
    attr = struct.pack("QQQ", 0, bind_tcp, 3) if abi >= 6 else struct.pack("QQ", 0, bind_tcp)
    buffer = ctypes.create_string_buffer(attr, len(attr))
    ruleset = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, buffer, len(attr), 0)
    if ruleset < 0:
        return
    try:
        if os.geteuid() != 0:
            libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, 0)
    finally:
        os.close(ruleset)


def enter_sandbox(sandbox):
    """In the child, before exec: the run's cgroups and rlimits, its Landlock domain, then SIGINT
    ignored (see above)."""
    for procs in sandbox.get("cgroups", []):
        with open(procs, "w") as f:
            f.write(str(os.getpid()))
    limits = sandbox.get("rlimits", {})
    if limits:
        import resource
        for name, value in limits.items():
            resource.setrlimit(getattr(resource, "RLIMIT_" + name.upper()), (value, value))
    confine_sockets()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def main() -> int:
    worker = os.getppid()
    argv, cwd, env, sandbox = command()
    # SIGCHLD is held back so that sigtimedwait() below returns the moment the command ends (a
    # plain sleep between polls would add up to a poll interval to every run).
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])
    child = os.fork()
    if child == 0:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGCHLD])
        os.chdir(cwd)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        if sandbox is not None:
            enter_sandbox(sandbox)
        os.execvpe(argv[0], argv, env)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # The event pipe belongs to the command; holding it open here would delay the worker's EOF.
    try:
        os.close(3)
    except OSError:
        pass
    while True:
        pid, status = os.waitpid(child, os.WNOHANG)
        if pid == child:
            if os.WIFSIGNALED(status):
                return 128 + os.WTERMSIG(status)
            return os.WEXITSTATUS(status)
        if os.getppid() != worker:
            os.killpg(0, signal.SIGKILL)
        signal.sigtimedwait([signal.SIGCHLD], 0.2)


if __name__ == "__main__":
    sys.exit(main())
