"""Block scenarios (issue 6): virtio-blk disks as `make run` attaches them
(the ISO read-only as vda, a scratch disk as vdb), the `blk` and `sync`
commands, data written in the guest read back from the image on the host
and the other way round, an injected I/O error (QEMU's blkdebug), a
transitional device, a device without MSI-X, and the block tests under
UEFI."""
import os
import re
import tempfile

from harness import scenario

LIST_ROW = re.compile(r"^(vd[a-z])\s+(\d+) (\w+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\d+)/(\d+)/(\d+)$",
                      re.M)


def devices(vm):
    out = vm.run("blk")
    return out, {m.group(1): m for m in LIST_ROW.finditer(out)}


def sector(path, lba):
    with open(path, "rb") as f:
        f.seek(lba * 512)
        return f.read(512)


@scenario(uefi=False, smp=2, virtio=True, disk=64)
def blk_commands_and_host_image(vm):
    out, devs = devices(vm)
    assert set(devs) == {"vda", "vdb"}, out
    assert devs["vda"].group(6) == "ro,flush" and devs["vda"].group(7) == "corvid-iso", out
    assert devs["vdb"].group(6) == "rw,flush" and devs["vdb"].group(7) == "corvid-scratch", out
    assert devs["vdb"].group(4) == str(64 * 2048) and devs["vdb"].group(2) == "64", out
    out = vm.run("blk write vdb 100 hello from   corvid")
    assert "vdb: sector 100: 17 bytes written to the cache" in out, out
    out = vm.run("blk read vdb 100")
    assert out.startswith("0000: 68 65 6c 6c 6f 20"), out
    assert "|hello from corvi|" in out and len(out.splitlines()) == 32, out
    assert sector(vm.disk, 100) == bytes(512)  # not written back yet
    assert vm.run("sync").strip() == "sync: 1 block written"
    assert sector(vm.disk, 100) == b"hello from corvid".ljust(512, b"\0")
    # A write without sync reaches the disk through shutdown's sync.
    vm.run("blk write vdb 0x20 second")
    vm.shutdown()
    assert sector(vm.disk, 0x20) == b"second".ljust(512, b"\0")


@scenario(uefi=False, smp=1, virtio=True, disk=64)
def blk_bad_arguments(vm):
    for cmd in ("blk read", "blk read vdb", "blk frob", "blk write vdb 1", "sync now"):
        out = vm.run(cmd)
        assert out.startswith("usage: "), (cmd, out)
        assert vm.run("echo $?").strip() == "2", cmd
    cases = {
        "blk read vdz 1": "blk: no block device 'vdz' (see 'blk')",
        "blk read vdb xyz": "blk: 'xyz' is not a sector number",
        "blk read vdb 131072": "blk: sector 131072 is beyond the end of vdb (131072 sectors)",
        "blk write vdb 99999999999 x": "beyond the end of vdb",
        "blk write vda 1 x": "blk: write vda: read-only device",
    }
    for cmd, want in cases.items():
        out = vm.run(cmd)
        assert want in out, (cmd, out)
        assert vm.run("echo $?").strip() == "1", cmd
    assert vm.run("blk read vdb 131071").startswith("0000: 00")
    vm.shutdown()


def host_image():
    fd, path = tempfile.mkstemp(prefix="blk-host-", suffix=".img")
    os.close(fd)
    os.truncate(path, 4 << 20)
    with open(path, "r+b") as f:
        f.seek(5 * 512)
        f.write(b"written by the host\n")
        f.seek(8191 * 512)
        f.write(b"last sector")
    return path


HOST_IMAGE = host_image()


@scenario(uefi=False, smp=1, virtio=True, disk=HOST_IMAGE)
def blk_reads_host_written_image(vm):
    os.unlink(HOST_IMAGE)  # the scenario has its own copy by now
    out = vm.run("blk read vdb 5")
    assert "|written by the h|" in out, out
    assert out.startswith("0000: 77 72 69 74 74 65 6e 20"), out
    out = vm.run("blk read vdb 8191")
    assert "|last sector.....|" in out, out
    _, devs = devices(vm)
    assert devs["vdb"].group(4) == "8192", devs
    vm.shutdown()


BLKDEBUG = os.path.join(tempfile.gettempdir(), f"corvid-blkdebug-{os.getpid()}.conf")
with open(BLKDEBUG, "w") as _f:
    _f.write('[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "1000"\n')


@scenario(uefi=False, smp=2, virtio=True, disk=16,
          extra="-drive if=none,id=bad,driver=raw,file.driver=blkdebug,"
                f"file.config={BLKDEBUG},file.image.driver=null-co,"
                "file.image.read-zeroes=on,file.image.size=8M "
                "-device virtio-blk-pci,drive=bad,serial=bad-disk")
def blk_io_error_is_reported(vm):
    out = vm.run("blk read vdc 1000")
    assert "blk: read vdc: I/O error" in out, out
    assert vm.run("echo $?").strip() == "1"
    assert vm.run("blk read vdc 999").startswith("0000: 00")
    out, devs = devices(vm)
    assert devs["vdc"].group(10) == "1", out  # one error counted
    vm.run("blk write vdb 3 still fine")
    assert vm.run("sync").strip() == "sync: 1 block written"
    vm.shutdown()
    assert sector(vm.disk, 3).startswith(b"still fine\0")


@scenario(uefi=False, smp=1, virtio=True, disk=16,
          extra="-drive if=none,id=t,driver=null-co,read-zeroes=on,size=1M "
                "-device virtio-blk-pci-non-transitional,drive=t,serial=modern-only "
                "-drive if=none,id=n,driver=null-co,read-zeroes=on,size=1M "
                "-device virtio-blk-pci,vectors=0,drive=n,serial=no-msix")
def blk_modern_only_and_no_msix(vm):
    out = vm.run("pci")
    # q35's root bus gets transitional devices (1001) unless told otherwise.
    assert re.search(r"1af4:1001 rev \w+ driver=virtio-blk irq=msix", out), out
    assert re.search(r"1af4:1042 rev \w+ driver=virtio-blk irq=msix", out), out
    assert re.search(r"1af4:1001 rev \w+ driver=- irq=- can=-", out), out  # vectors=0
    log = vm.text()
    assert "no MSI-X (QEMU vectors=0?): not supported, device left alone" in log, log
    out, devs = devices(vm)
    assert devs["vdc"].group(7) == "modern-only" and devs["vdc"].group(2) == "1", out
    assert "no-msix" not in out, out
    vm.shutdown()


@scenario(uefi=True, smp=2, mem="1G", timeout=150, virtio=True, disk=64)
def blk_suite_uefi(vm):
    out = vm.run("test blk bcache virtio", timeout=100)
    m = re.search(r"ktest: (\d+) passed, 0 failed", out)
    assert m and int(m.group(1)) >= 8, out
    assert "skipped" not in out, out
    vm.run("blk write vdb 9 uefi")
    vm.shutdown()
    assert sector(vm.disk, 9).startswith(b"uefi\0")
