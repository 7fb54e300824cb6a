"""A clean shutdown leaves disk filesystems clean (issue 14/15): without
any umount, `shutdown` unmounts what nothing uses, so the ext2 disk's
state is "clean" again and the FAT volume's dirty marks are cleared, and
what was written is there; e2fsck -fn and fsck.fat -n find nothing."""
import os
import subprocess
import sys
import tempfile

import ext2img
from harness import ok, scenario

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
import mkfatimg  # noqa: E402


def _ext2():
    fd, path = tempfile.mkstemp(prefix="ext2-shutdown-", suffix=".img")
    os.close(fd)
    subprocess.run([ext2img.tool("mke2fs"), "-q", "-F", "-t", "ext2", path, "8M"], check=True)
    return path


def _fat():
    fd, path = tempfile.mkstemp(prefix="fat-shutdown-", suffix=".img")
    os.close(fd)
    mkfatimg.make_volume(path, 8, "mformat", None, None, None, ())
    return path


EXT2 = _ext2()
FAT = _fat()


@scenario(uefi=False, smp=2, virtio=True, disk=EXT2, disks=[FAT], timeout=90)
def shutdown_leaves_disks_clean(vm):
    try:
        ok(vm, "write /mnt/vdb/note written before shutdown")
        ok(vm, "write /mnt/vdc/note.txt written before shutdown")
        vm.shutdown()
        out = subprocess.run([ext2img.tool("dumpe2fs"), "-h", vm.disk], capture_output=True,
                             text=True).stdout
        assert "Filesystem state:         clean" in out, out
        ext2img.fsck(vm.disk)
        r = subprocess.run(["fsck.fat", "-n", vm.disks[0]], capture_output=True, text=True)
        assert r.returncode == 0 and "dirty" not in r.stdout.lower(), r.stdout
        r = subprocess.run(["mtype", "-i", vm.disks[0], "::/note.txt"], capture_output=True)
        assert r.stdout == b"written before shutdown\n", r
        assert "unmounted" in vm.text()
    finally:
        for p in (EXT2, FAT):
            if os.path.exists(p):
                os.unlink(p)
