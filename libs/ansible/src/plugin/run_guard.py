"""Runs a command and takes its whole process group down if the worker that started it dies
(ansible-playbook of a run, and the run's ssh-agent).

The worker starts this as the leader of a new process group (session). It forks the command
(ansible-playbook) into the same group, ignores the interrupt the worker sends to the group to
stop a run (ansible handles that one), and polls its parent: once the worker is gone (killed -9,
crashed), it SIGKILLs the group, so no orphaned Ansible keeps changing hosts after the run has
been declared lost. It exits with the command's exit status.
"""
import os
import signal
import sys


def main() -> int:
    worker = os.getppid()
    # SIGCHLD is held back so that sigtimedwait() below returns the moment the command ends (a
    # plain sleep between polls would add up to a poll interval to every run).
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])
    child = os.fork()
    if child == 0:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGCHLD])
        os.execvp(sys.argv[1], sys.argv[1:])
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
