"""SMP hardening checks that need several CPUs: the in-kernel tests of the
idle loop, irq_free() against a running handler, NMIs during an armed fault
catcher and concurrent RTC reads, with 4 CPUs (and the NMI one with 1)."""
import re

from harness import scenario

TESTS = ("sched_idle_halts_while_only_pinned_work_elsewhere",
         "irq_free_waits_for_a_handler_on_another_cpu",
         "time_rtc_concurrent_reads_agree",
         "trap_nmi_does_not_consume_the_fault_catcher")


def run_tests(vm, names):
    """Run each test on its own command line; report every failure."""
    failed = []
    for name in names:
        out = vm.run("test " + name, timeout=120)
        m = re.search(r"ktest: (\d+) passed, (\d+) failed", out)
        if not m or m.group(1) != "1" or m.group(2) != "0":
            failed.append(f"{name}:\n{out[-1500:]}")
    assert not failed, "\n".join(failed)
    vm.shutdown()


@scenario(uefi=False, smp=4, mem="512M", timeout=400)
def hardening_smp4(vm):
    run_tests(vm, TESTS)


@scenario(uefi=False, smp=1, mem="512M", timeout=120)
def hardening_smp1_nmi(vm):
    run_tests(vm, TESTS[-1:])
