"""Signal scenarios (issue 17): /bin/sigtest exercises handlers and
siginfo, masks, SA_NODEFER/SA_RESETHAND/SA_RESTART, sigaltstack, caught
faults, sigsuspend, sigtimedwait, EINTR, itimers and alarm, kill to a
group, stop/continue reports, default actions, SIGCHLD auto-reap and the
FPU state across a handler; its output on Corvid must equal the same
binary's on the host's Linux."""
import os
import re
import subprocess

from harness import ROOT, scenario, status

SIGTEST = os.path.join(ROOT, "build", "user", "sigtest")
LOG_LINE = re.compile(r"\[\s*\d+\.\d+\]")


def program_output(out):
    """Corvid's log lines (the fault lines of the children that die) are
    not the program's output."""
    return "".join(l + "\n" for l in out.splitlines()
                   if not LOG_LINE.match(l) and not l.startswith("exec: "))


@scenario(uefi=False, smp=2, timeout=120)
def signal_differential(vm):
    host = subprocess.run([SIGTEST], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60, cwd="/tmp")
    assert host.returncode == 0, host
    assert host.stdout.endswith("== done\n"), host.stdout
    out = vm.run("exec /bin/sigtest", timeout=100)
    assert program_output(out) == host.stdout, (program_output(out), host.stdout)
    assert status(vm) == 0
    vm.shutdown()
