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
"""
import json
import os
import signal
import sys


def command():
    line = sys.stdin.buffer.readline()
    if not line:
        sys.exit(0)
    spec = json.loads(line)
    return spec["argv"], spec["cwd"], spec["env"], spec.get("sandbox")


def enter_sandbox(sandbox):
    """In the child, before exec: the run's cgroups and rlimits, then SIGINT ignored (see above)."""
    for procs in sandbox.get("cgroups", []):
        with open(procs, "w") as f:
            f.write(str(os.getpid()))
    limits = sandbox.get("rlimits", {})
    if limits:
        import resource
        for name, value in limits.items():
            resource.setrlimit(getattr(resource, "RLIMIT_" + name.upper()), (value, value))
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
