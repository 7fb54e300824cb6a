"""sched_setaffinity(2) / sched_getaffinity(2), differentially: /bin/affinity
prints checks (pinning, a fork child's inherited mask, moving to another
CPU, errnos) that hold on any machine with 2+ CPUs; the host's Linux
prints the same. Masks: those of test_syscalls.py (Corvid's log lines,
the shell's exec status line)."""
from harness import scenario
from userprog import matches_host


@scenario(uefi=False, smp=2, timeout=120)
def affinity_matches_linux(vm):
    matches_host(vm, "affinity")
    vm.shutdown()
