"""Process address spaces (kernel/proc/mm.c, vma.c): the mm_ ktests on
four CPUs (fork copy-on-write, frame accounting, TLB shootdown to a CPU
that has the address space loaded), and the memory counters staying flat
across them."""
import re

from harness import scenario


def free_pages(vm):
    out = vm.run("mem")
    m = re.search(r"pages: total \d+ free (\d+)", out)
    assert m, out
    return int(m.group(1))


@scenario(uefi=False, smp=4, timeout=120)
def mm_ktests_smp4(vm):
    out = vm.run("test mm_ usercopy", timeout=100)
    assert re.search(r"ktest: \d+ passed, 0 failed", out), out
    before = free_pages(vm)
    out = vm.run("test mm_fork", timeout=100)
    assert re.search(r"ktest: \d+ passed, 0 failed", out), out
    assert free_pages(vm) == before, "mem shows pages lost to fork"
    vm.shutdown()
