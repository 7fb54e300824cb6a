"""BusyBox's tools as on Linux (doc/busybox.md). Differential sessions:
tests/qemu/bb_session.sh is run by the host's /bin/busybox (the same
binary the initramfs carries), with PATH holding only links to it, and by
Corvid's BusyBox sh at the init= prompt, once in /tmp (tmpfs) and once on
an ext2 disk; the outputs must be equal but for du's sizes (each
filesystem allocates its own way). The ext2 disk is clean after poweroff
(e2fsck -fn). Shape checks cover what cannot be equal (ps, free, uptime,
df, mount, dmesg, id, uname, env, date) and /proc's per-process files."""
import os
import re
import shutil
import subprocess
import tempfile

import ext2img
from harness import ROOT, scenario
from test_init import bb_run, boot_to_busybox

BUSYBOX = "/bin/busybox"
SESSION = os.path.join(ROOT, "tests", "qemu", "bb_session.sh")


def mask(text):
    """Only what legitimately differs: du's block counts."""
    return re.sub(r"(?m)^\d+\t", "N\t", text)


def host_session():
    """The session's output under the host's Linux, by the same BusyBox."""
    tmp = tempfile.mkdtemp(prefix="bb-host-")
    try:
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True,
                                 check=True).stdout.split()
        for a in applets:
            os.symlink(BUSYBOX, os.path.join(bindir, a))
        r = subprocess.run([BUSYBOX, "sh", SESSION, os.path.join(tmp, "w")], cwd=tmp,
                           env={"PATH": bindir}, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=120)
        return r.stdout
    finally:
        shutil.rmtree(tmp)


def _disk():
    stage = tempfile.mkdtemp(prefix="bb-stage-")
    shutil.copy(SESSION, os.path.join(stage, "s.sh"))
    fd, path = tempfile.mkstemp(prefix="ext2-bb-", suffix=".img")
    os.close(fd)
    ext2img.mkfs(path, 16, 1024, tree=stage)
    shutil.rmtree(stage)
    return path


def debugfs_cat(img, name):
    return subprocess.run([ext2img.tool("debugfs"), "-R", "cat " + name, img],
                          capture_output=True, text=True).stdout


def compare(want, got, where):
    w, g = mask(want).splitlines(), mask(got).splitlines()
    for i, (a, b) in enumerate(zip(w, g)):
        assert a == b, f"{where}: line {i + 1}: host {a!r}, corvid {b!r}"
    assert len(w) == len(g), (where, len(w), len(g), w[len(g):], g[len(w):])


DISK = _disk()


@scenario(uefi=False, smp=2, cmdline="init=/bin/init", wait_prompt=False, virtio=True,
          disk=DISK, timeout=240)
def busybox_sessions_match_linux(vm):
    boot_to_busybox(vm)
    for where, out in (("/tmp/w", "tmp.out"), ("/mnt/vdb/w", "ext2.out")):
        bb_run(vm, f"sh /mnt/vdb/s.sh {where} > /mnt/vdb/{out} 2>&1; echo rc=$?",
               timeout=150)
    vm.send("poweroff\r")
    assert vm.wait_exit(60) == 0
    ext2img.fsck(vm.disk)
    want = host_session()
    assert want.rstrip().endswith("end"), want
    compare(want, debugfs_cat(vm.disk, "/tmp.out"), "tmpfs")
    compare(want, debugfs_cat(vm.disk, "/ext2.out"), "ext2")
