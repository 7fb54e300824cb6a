"""Multiprocessor scenarios (issue 5): the whole in-kernel test suite
with 4 and 8 CPUs under SeaBIOS and 4 under OVMF (it includes the
scheduler, lock, SMP and block tests: every run has `make run`'s virtio
devices and its own scratch disk), checking the log line that counts the
CPUs. One CPU under both firmwares is test_boot.py's ktest_suite_bios and
ktest_suite_uefi; 8 CPUs under OVMF covered nothing the other runs do
not, for 36 s of make test, and is not run."""
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


def run_suite(vm, ncpu):
    out = vm.run("test", timeout=vm_timeout(ncpu))
    m = re.search(r"ktest: (\d+) passed, (\d+) failed", out)
    assert m, out[-3000:]
    assert m.group(2) == "0", failures(out)
    assert int(m.group(1)) > 50, out[-3000:]
    assert "skipped: no disk" not in out, out  # the block tests ran on vdb
    vm.shutdown()


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
def smp8_bios_suite(vm):
    check_online(vm, 8)
    run_suite(vm, 8)


@scenario(uefi=True, smp=4, mem="1G", timeout=300, virtio=True, disk=64)
def smp4_uefi_suite(vm):
    check_online(vm, 4)
    run_suite(vm, 4)
