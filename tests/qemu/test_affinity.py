"""sched_setaffinity(2) / sched_getaffinity(2), differentially: /bin/affinity
prints checks (pinning, a fork child's inherited mask, moving to another
CPU, errnos) that hold on any machine with 2+ CPUs; the host's Linux
prints the same. Masks: those of test_syscalls.py (Corvid's log lines,
the shell's exec status line)."""
import os

from harness import ROOT, scenario, status
from userprog import assert_same, host_run, program_output

AFFINITY = os.path.join(ROOT, "build", "user", "affinity")


@scenario(uefi=False, smp=2, timeout=120)
def affinity_matches_linux(vm):
    host = host_run([AFFINITY])
    assert host.endswith("affinity: done\n"), host
    out = vm.run("exec /bin/affinity", timeout=90)
    assert_same(program_output(out), host)
    assert status(vm) == 0
    vm.shutdown()
