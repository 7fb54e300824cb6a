"""MSI scenarios: QEMU's edu device (1234:11e8) has MSI and no MSI-X; the
in-kernel `msi_` tests bind a test driver to it, make it interrupt every
online CPU through its MSI capability, and check a function without MSI is
refused. Afterwards `pci` shows edu in MSI mode. Under BIOS with two CPUs
and under UEFI with one."""
import re

from harness import scenario

EDU_ROW = re.compile(r"^\S+ .+: 1234:11e8 rev [0-9a-f]{2} driver=(\S+) irq=(\S+) can=(\S+)$",
                     re.M)


def check_msi(vm, cpus):
    out = vm.run("test msi", timeout=60)
    m = re.search(r"ktest: (\d+) passed, (\d+) failed", out)
    assert m and int(m.group(1)) >= 2 and m.group(2) == "0", out
    assert "skipped" not in out, out  # edu is present: nothing may be skipped
    out = vm.run("pci")
    row = EDU_ROW.search(out)
    assert row, out
    assert row.group(1) == "msi-ktest" and row.group(2) == "msi" and row.group(3) == "msi", out
    out = vm.run("irq")
    m = re.search(r"^0x[0-9a-f]+ msi-ktest((?: +\d+)+)", out, re.M)
    assert m, out
    counts = [int(n) for n in m.group(1).split()]
    assert len(counts) == cpus and all(n >= 1 for n in counts), out  # every CPU was a target


@scenario(uefi=False, smp=2, extra="-device edu")
def msi_edu_bios(vm):
    check_msi(vm, 2)
    vm.shutdown()


@scenario(uefi=True, smp=1, extra="-device edu")
def msi_edu_uefi(vm):
    check_msi(vm, 1)
    vm.shutdown()
