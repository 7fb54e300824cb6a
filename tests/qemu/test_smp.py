"""Multiprocessor scenarios (issue 5): the whole in-kernel test suite
with 4 CPUs under SeaBIOS and under OVMF (it includes the scheduler, lock,
SMP and block tests: every run has `make run`'s virtio devices and its own
scratch disk), checking the log line that counts the CPUs, and with 8 CPUs
the tests whose behaviour depends on the number of CPUs (scheduling,
locks and wake-ups, TLB shootdowns, NMIs, shared address spaces, the SMP
file-system churn). One CPU is test_boot.py's ktest_suite_bios. The whole
suite on 8 CPUs (33 s of make test, 8 virtual CPUs on the 2 host cores)
and on one CPU under OVMF (18 s) added nothing these runs do not cover."""
import re

from harness import scenario


def failures(out):
    """The failed tests' lines and the lines just before them (the
    FAILED at file:line message), or the end of the output."""
    lines = out.splitlines()
    keep = [i for i, line in enumerate(lines) if re.search(r" FAIL \(|FAILED at", line)]
    if not keep:
        return out[-3000:]
    return "\n".join(lines[j] for j in sorted({k for i in keep for k in (i - 1, i)}))


def run_suite(vm, ncpu, prefixes=(), least=50):
    out = vm.run(" ".join(("test",) + tuple(prefixes)), timeout=vm_timeout(ncpu))
    m = re.search(r"ktest: (\d+) passed, (\d+) failed", out)
    assert m, out[-3000:]
    assert m.group(2) == "0", failures(out)
    assert int(m.group(1)) > least, out[-3000:]
    assert "skipped: no disk" not in out, out  # the block tests ran on vdb
    vm.shutdown()


# The ktests whose work or outcome depends on how many CPUs there are.
# (sync_producer_consumer_1m_items is not: 10 s here for what 1 and 4 CPUs
# already show.)
CPU_COUNT_TESTS = ("sched", "smp", "sync_completion", "sync_semaphore", "sync_mutex",
                   "sync_spinlock", "sync_wait", "mm_tlb", "mm_cpus", "mm_shared", "trap_nmi",
                   "procfs_smp", "vfs_conformance_tmpfs_smp", "irq_free")


def vm_timeout(ncpu):
    return 120 + 30 * ncpu  # 8 virtual CPUs share 2 host cores here


def check_online(vm, ncpu):
    out = vm.run("ps")
    online = re.findall(r"^cpu\d+: online", out, re.M)
    assert len(online) == ncpu, out
    assert len(re.findall(r"^\s*\d+\s+idle\d+\s", out, re.M)) == ncpu, out


@scenario(uefi=False, smp=4, mem="1G", timeout=300, virtio=True, disk=64)
def smp4_bios_suite(vm):
    check_online(vm, 4)
    run_suite(vm, 4)


@scenario(uefi=False, smp=8, mem="1G", timeout=420, virtio=True, disk=64)
def smp8_bios_cpu_tests(vm):
    check_online(vm, 8)
    run_suite(vm, 8, CPU_COUNT_TESTS, least=20)


@scenario(uefi=True, smp=4, mem="1G", timeout=300, virtio=True, disk=64)
def smp4_uefi_suite(vm):
    check_online(vm, 4)
    run_suite(vm, 4)
