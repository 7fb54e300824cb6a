"""PCI and virtio-rng scenarios (issue 6, first part): virtio-rng by MSI-X
under both firmwares and on `pc`, no virtio devices at all, `pci` lists the q35 devices through
ECAM under both firmwares, the i440fx `pc` machine through the 0xCF8 port
fallback (it has no MCFG), a device behind a PCI-PCI bridge, and the
in-kernel PCI tests."""
import re

from harness import scenario

ROW = re.compile(r"^([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) (.+) \[([0-9a-f]{4})\]: "
                 r"([0-9a-f]{4}):([0-9a-f]{4}) rev [0-9a-f]{2} driver=(\S+) irq=(\S+) can=(\S+)$", re.M)


def pci_rows(vm):
    out = vm.run("pci")
    return out, {f"{m.group(1)}:{m.group(2)}.{m.group(3)}": m for m in ROW.finditer(out)}


@scenario(uefi=False, smp=1, mem="512M", extra="-device virtio-rng-pci")
def pci_q35_bios(vm):
    out, rows = pci_rows(vm)
    assert "config access: ECAM" in out, out
    assert rows["00:00.0"].group(4) == "Host bridge" and rows["00:00.0"].group(6) == "8086", out
    assert rows["00:1f.2"].group(4) == "SATA controller", out
    rng = [m for m in rows.values() if m.group(6) == "1af4" and m.group(7) == "1005"]
    assert rng and rng[0].group(10) == "msix", out
    assert vm.run("pci bogus").startswith("usage: pci"), out
    assert rng[0].group(8) == "virtio-rng" and rng[0].group(9) == "msix", out
    out = vm.run("test pci virtio")
    assert re.search(r"ktest: \d+ passed, 0 failed", out), out
    check_rng(vm)
    vm.shutdown()


def check_rng(vm):
    first = vm.run("rng 16").strip()
    assert re.fullmatch(r"[0-9a-f]{32}", first), first
    assert vm.run("rng 16").strip() != first
    out = vm.run("irq")
    m = re.search(r"virtio-rng\s+(\d+)", out)
    assert m and int(m.group(1)) >= 2, out  # completions came by MSI-X
    assert vm.run("rng 0").startswith("usage: rng")
    assert vm.run("rng x").startswith("usage: rng")


@scenario(uefi=True, smp=2, mem="512M", extra="-device virtio-rng-pci")
def pci_q35_uefi(vm):
    out, rows = pci_rows(vm)
    assert "config access: ECAM" in out, out
    assert "00:00.0" in rows and "00:1f.0" in rows, out
    check_rng(vm)
    vm.shutdown()


@scenario(uefi=False, smp=1, mem="512M")
def pci_no_virtio_devices(vm):
    out = vm.run("rng 4")
    assert "rng: no virtio-rng device" in out, out
    out, rows = pci_rows(vm)
    assert not any(m.group(6) == "1af4" for m in rows.values()), out
    assert "probe failed" not in vm.run("echo ok")
    vm.shutdown()


@scenario(uefi=False, smp=1, mem="512M", machine="pc", extra="-device virtio-rng-pci")
def pci_pc_port_io(vm):
    out, rows = pci_rows(vm)
    assert "config access: port I/O" in out, out
    assert rows["00:00.0"].group(4) == "Host bridge", out
    assert rows["00:01.0"].group(4) == "ISA bridge", out  # PIIX3
    check_rng(vm)  # MSI-X found through port I/O config access
    out = vm.run("test pci")
    assert re.search(r"ktest: \d+ passed, 0 failed", out), out
    vm.shutdown()


@scenario(uefi=False, smp=1, mem="512M",
          extra="-device pci-bridge,id=br1,chassis_nr=1,addr=5 "
                "-device virtio-rng-pci,bus=br1,addr=3")
def pci_behind_bridge(vm):
    out, rows = pci_rows(vm)
    bridge = rows.get("00:05.0")
    assert bridge and bridge.group(4) == "PCI bridge", out
    behind = [k for k, m in rows.items() if m.group(6) == "1af4" and not k.startswith("00:")]
    assert behind, out  # found on the secondary bus
    vm.shutdown()
