"""Process address spaces (kernel/proc/mm.c, vma.c): the mm_ ktests on
four CPUs (fork copy-on-write, frame accounting, TLB shootdown to a CPU
that has the address space loaded), the memory counters staying flat
across them, and /bin/mmcheck (mprotect, madvise, MAP_FIXED[_NOREPLACE],
file mappings and their errno) printing in Corvid what it prints on the
host's Linux, and PT_GNU_STACK deciding whether the stack is executable
(/bin/execstack asks for it; /bin/segv, like every musl program, does
not)."""
import os
import re
import subprocess

from harness import ROOT, scenario, status

MMCHECK = os.path.join(ROOT, "build", "user", "mmcheck")
EXECSTACK = os.path.join(ROOT, "build", "user", "execstack")


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



@scenario(uefi=False, smp=2, timeout=90)
def mm_differential_mmcheck(vm):
    host = subprocess.run([MMCHECK], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=30)
    assert host.returncode == 0, host
    out = vm.run("exec /bin/mmcheck", timeout=60)
    # Corvid's own log lines (the one-time -ENOSYS warning) are not output.
    ours = "".join(l + "\n" for l in out.splitlines()
                   if not re.match(r"\[\s*\d+\.\d+\]", l) and not l.startswith("exec: "))
    assert ours == host.stdout, (ours, host.stdout)
    assert status(vm) == 0
    # Warm now (slabs, and the data files if unlink is missing): five more
    # runs leave the free count where it was.
    before = free_pages(vm)
    vm.run("exec 5 /bin/mmcheck", timeout=60)
    after = free_pages(vm)
    assert abs(after - before) <= 2, (before, after)
    vm.shutdown()


@scenario(uefi=False, smp=1, timeout=60)
def mm_pt_gnu_stack_decides_stack_exec(vm):
    host = subprocess.run([EXECSTACK], capture_output=True, text=True, timeout=30)
    assert host.returncode == 0 and host.stdout == "stack code returned 42\n", host
    out = vm.run("exec /bin/execstack")
    assert "stack code returned 42" in out, out
    assert status(vm) == 0
    # The same code on a stack page made read/write only: SIGSEGV, as on
    # the host.
    host = subprocess.run([EXECSTACK, "off"], capture_output=True, text=True, timeout=30)
    assert host.returncode == -11, host
    out = vm.run("exec /bin/execstack off")
    assert re.search(r"\(execstack\): segfault at [0-9a-f]+ ip [0-9a-f]+ sp [0-9a-f]+ error 15", out), out
    assert status(vm) == 128 + 11
    vm.shutdown()
