"""Memory-management scenarios: boot with little, ordinary and more than
4 GiB of RAM and check that `mem` is consistent (free + used = total, the
free blocks per order add up to the free pages, the kernel uses at most
16 MiB) and that memory above 4 GiB is used; overflow a guarded kernel
stack on purpose and check the report names it."""
import re

from harness import scenario

KERNEL_BUDGET_KIB = 16 * 1024


def check_mem(vm, min_mib, max_mib):
    out = vm.run("mem")
    m = re.search(r"pages: total (\d+) free (\d+) used (\d+)", out)
    assert m, out
    total, free, used = map(int, m.groups())
    assert free + used == total, out
    assert min_mib * 256 <= total <= max_mib * 256, (total, out)
    blocks = re.search(r"free blocks:((?: o\d+=\d+)+)", out)
    assert blocks, out
    in_blocks = sum(int(n) << int(o) for o, n in re.findall(r"o(\d+)=(\d+)", blocks.group(1)))
    assert in_blocks == free, (in_blocks, free, out)
    kernel = re.search(r"kernel: (\d+) KiB", out)
    assert kernel and int(kernel.group(1)) <= KERNEL_BUDGET_KIB, out
    return total, free


@scenario(uefi=False, smp=4, mem="64M", timeout=60)
def mem_64m(vm):
    total, free = check_mem(vm, 56, 64)
    assert free * 4 >= total * 3, "most of 64 MiB must stay free"
    vm.shutdown()


@scenario(uefi=False, smp=1, mem="2G", timeout=60)
def mem_2g(vm):
    check_mem(vm, 2000, 2048)
    out = vm.run("test mm_")
    assert re.search(r"ktest: \d+ passed, 0 failed", out), out
    check_mem(vm, 2000, 2048)  # the tests gave everything back
    vm.shutdown()


@scenario(uefi=False, smp=1, mem="4G", timeout=60)
def mem_4g(vm):
    # q35 puts 2 GiB of a 4 GiB machine above 4 GiB: it must be managed.
    check_mem(vm, 4000, 4096)
    vm.shutdown()


@scenario(uefi=False, smp=1, mem="256M", timeout=60)
def mem_stack_overflow_report(vm):
    vm.send("mem overflow\r")
    vm.expect(r"kernel stack overflow in 'mem-overflow'", timeout=20)
    vm.expect(r"Double Fault", timeout=10)
    vm.expect(r"end of kernel panic report", timeout=10)


@scenario(uefi=False, smp=2, mem="256M", timeout=120)
def mm_kmalloc_oom_test_on_task_stack(vm):
    # A background job runs on a 16 KiB task stack: the test must fit.
    vm.send("test mm_kmalloc_out_of_memory &\r")
    vm.expect(r"mm_kmalloc_out_of_memory_returns_null\s+(ok|FAIL)|FATAL EXCEPTION|KERNEL PANIC",
              timeout=90)
    text = vm.text()
    assert "Double Fault" not in text and "FATAL" not in text, text[-3000:]
    assert re.search(r"mm_kmalloc_out_of_memory_returns_null\s+ok", text), text[-3000:]
    vm.expect(r"ktest: 1 passed, 0 failed", timeout=30)
    vm.shutdown()
