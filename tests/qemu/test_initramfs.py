"""The initramfs (issue 13): GRUB loads rootfs/ (and /bin) packed as newc cpio and the
kernel unpacks it into the root tmpfs; the boot log's counts must match the
tree on the host. A truncated or garbage archive is reported, the entries
before the damage are kept, and the kernel boots to its prompt."""
import os
import re

from harness import ROOT, scenario

SUMMARY_RE = (r"initramfs: 'initramfs': (\d+) dirs, (\d+) files, (\d+) symlinks, "
              r"(\d+) links, \d+ KiB; (\d+) skipped, (\d+) errors")
BUILD_INITRD = os.path.join(ROOT, "build", "debug", "initramfs.cpio")
# What the Makefile packs: rootfs/ plus the user programs under /bin.
STAGED_ROOT = os.path.join(ROOT, "build", "debug", "initramfs-root")


def rootfs_counts():
    dirs = files = links = 0
    top = STAGED_ROOT if os.path.isdir(STAGED_ROOT) else os.path.join(ROOT, "rootfs")
    for base, ds, fs in os.walk(top):
        for d in ds:
            if os.path.islink(os.path.join(base, d)):
                links += 1
            else:
                dirs += 1
        for f in fs:
            if os.path.islink(os.path.join(base, f)):
                links += 1
            else:
                files += 1
    return dirs, files, links


def variant(name, data):
    path = os.path.join(ROOT, "build", name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def check_unpacked(vm):
    m = vm.expect(SUMMARY_RE)
    dirs, files, links = rootfs_counts()
    got = tuple(int(g) for g in m.groups())
    assert got == (dirs, files, links, 0, 0, 0), (got, (dirs, files, links))
    vm.wait_prompt()
    out = vm.run("test initramfs")
    assert re.search(r"ktest: 3 passed, 0 failed", out), out
    vm.shutdown()


@scenario(uefi=False, smp=2, wait_prompt=False)
def initramfs_unpacked_at_boot(vm):
    check_unpacked(vm)


@scenario(uefi=True, smp=2, wait_prompt=False, timeout=120)
def initramfs_unpacked_at_boot_uefi(vm):
    check_unpacked(vm)


def truncated_initrd():
    with open(BUILD_INITRD, "rb") as f:
        data = f.read()
    return variant("initramfs-truncated.cpio", data[: len(data) // 2])


@scenario(uefi=False, smp=1, wait_prompt=False, initrd=os.path.join(ROOT, "build", "initramfs-truncated.cpio"))
def initramfs_truncated_still_boots(vm):
    vm.expect(r"initramfs: malformed archive at offset \d+ \([^)]*\): keeping the \d+ "
              r"entries before it")
    vm.wait_prompt()
    assert vm.run("echo alive").strip() == "alive"
    vm.shutdown()


@scenario(uefi=False, smp=1, wait_prompt=False, initrd=os.path.join(ROOT, "build", "initramfs-garbage.cpio"))
def initramfs_garbage_still_boots(vm):
    vm.expect(r"initramfs: malformed archive at offset 0 \(bad magic\)")
    vm.wait_prompt()
    assert vm.run("echo alive").strip() == "alive"
    vm.shutdown()


# The damaged archives are made when this file is loaded (before any VM
# starts), from the build's own initramfs.
if os.path.exists(BUILD_INITRD):
    truncated_initrd()
    variant("initramfs-garbage.cpio", bytes((i * 37 + 11) & 0xff for i in range(4096)))
