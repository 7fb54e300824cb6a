"""Process address spaces (kernel/proc/mm.c, vma.c): the mm_ ktests on
four CPUs (fork copy-on-write, frame accounting, TLB shootdown to a CPU
that has the address space loaded), the memory counters staying flat
across them, and /bin/mmcheck (mprotect, madvise, MAP_FIXED[_NOREPLACE],
file mappings and their errno) printing in Corvid what it prints on the
host's Linux."""
import os
import re
import subprocess

from harness import ROOT, scenario, status

MMCHECK = os.path.join(ROOT, "build", "user", "mmcheck")


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
