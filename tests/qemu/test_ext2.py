"""ext2 scenarios (issue "ext2: read and write real disks that e2fsck calls
clean"). Images are made on the host with mke2fs -d from generated trees
(tests/qemu/ext2img.py); the oracles are the host's copy of each file
(CRC-32), e2fsck -fn and debugfs rdump."""
import os
import re
import tempfile

import ext2img
from harness import ok, scenario

WORK = tempfile.mkdtemp(prefix="corvid-ext2-")
TREE = os.path.join(WORK, "tree")
ext2img.make_tree(TREE)
IMG1K = os.path.join(WORK, "fixture1k.img")
IMG4K = os.path.join(WORK, "fixture4k.img")
ext2img.mkfs(IMG1K, 64, 1024, TREE)
ext2img.mkfs(IMG4K, 64, 4096, TREE)
EXPECT = ext2img.files(TREE)
CRC_LINE = re.compile(r"^([0-9a-f]{8}) (\d+) (\S+)$", re.M)


def check_tree(vm, mnt):
    """Every file, directory and symlink of the fixture, read in the kernel,
    against the host's copy."""
    regs = sorted(p for p, v in EXPECT.items() if v[0] == "f" and not p.startswith("bigdir/")
                  and p != "huge.bin")
    for i in range(0, len(regs), 8):
        batch = regs[i:i + 8]
        out = ok(vm, "crc32 " + " ".join("%s/%s" % (mnt, p) for p in batch))
        got = {m.group(3): (int(m.group(2)), int(m.group(1), 16)) for m in CRC_LINE.finditer(out)}
        for p in batch:
            assert got.get("%s/%s" % (mnt, p)) == EXPECT[p][1:], (p, out)
    out = ok(vm, "stat %s/huge.bin" % mnt)
    assert re.search(r"Size: %d\s" % ext2img.BIG_SPARSE, out), out
    names = ok(vm, "ls %s/bigdir" % mnt).split()
    assert names == sorted(p[len("bigdir/"):] for p in EXPECT if p.startswith("bigdir/")), \
        len(names)
    assert ok(vm, "cat %s/bigdir/entry-05000" % mnt) == "the middle one\n"
    deep = "/".join("d%d" % i for i in range(40))
    assert ok(vm, "cat %s/%s/bottom.txt" % (mnt, deep)) == "deep down\n"
    for link in ("fastlink", "slowlink", "dirlink"):
        out = ok(vm, "stat %s/%s" % (mnt, link))
        assert "symbolic link" in out and EXPECT[link][1] in out, out
    assert ok(vm, "cat %s/fastlink" % mnt) == ok(vm, "cat %s/small01" % mnt)
    assert ok(vm, "ls %s/dirlink" % mnt).split() == ["d3"]


@scenario(uefi=False, smp=2, virtio=True, disk=IMG1K, disks=[IMG4K], timeout=240)
def ext2_read_fixture(vm):
    out = ok(vm, "mount")
    assert re.search(r"vdb on /mnt/vdb type ext2", out), out
    assert re.search(r"vdc on /mnt/vdc type ext2", out), out
    check_tree(vm, "/mnt/vdb")
    check_tree(vm, "/mnt/vdc")
    vm.shutdown()
    ext2img.fsck(vm.disk)
    ext2img.fsck(vm.disks[0])


def blank(name, block, size_mb=64, tree=None, extra=()):
    path = os.path.join(WORK, name)
    ext2img.mkfs(path, size_mb, block, tree, extra=extra)
    return path


WL_SEED = os.path.join(WORK, "wlseed")
os.makedirs(os.path.join(WL_SEED, "work"))
WL1K = blank("wl1k.img", 1024, tree=WL_SEED)


@scenario(uefi=False, smp=4, virtio=True, disk=WL1K, timeout=240)
def ext2_write_workload(vm):
    """Many tasks writing at once; then e2fsck -fn and rdump are the judges."""
    out = vm.run("test ext2_workload", timeout=200)
    assert re.search(r"ktest: 1 passed, 0 failed", out), out
    # A few shell-level operations on top, through the same paths.
    ok(vm, "mkdir /mnt/vdb/shell")
    ok(vm, "write /mnt/vdb/shell/a hello")
    ok(vm, "mv /mnt/vdb/shell/a /mnt/vdb/shell/b")
    ok(vm, "ln -s b /mnt/vdb/shell/c")
    vm.shutdown()
    ext2img.fsck(vm.disk)
    got = os.path.join(WORK, "wl-out")
    want = os.path.join(WORK, "wl-want")
    ext2img.cleanup(got, want)
    ext2img.rdump(vm.disk, got)
    ext2img.workload_tree(os.path.join(want, "work"))
    os.makedirs(os.path.join(want, "shell"))
    with open(os.path.join(want, "shell", "b"), "w") as f:
        f.write("hello\n")
    os.symlink("b", os.path.join(want, "shell", "c"))
    os.makedirs(os.path.join(want, "lost+found"))
    g, w = ext2img.files(got), ext2img.files(want)
    assert g == w, (sorted(set(g.items()) ^ set(w.items()))[:20])


CONF1K = blank("conf1k.img", 1024, size_mb=16, extra=["-N", "12000"])
CONF4K = blank("conf4k.img", 4096, size_mb=16, extra=["-N", "12000"])


@scenario(uefi=False, smp=4, virtio=True, disk=CONF1K, disks=[CONF4K], timeout=400,
          mem="1G")
def ext2_vfs_conformance(vm):
    """The VFS conformance suite on fresh copies of blank mke2fs images."""
    ok(vm, "umount /mnt/vdb")
    ok(vm, "umount /mnt/vdc")
    out = vm.run("test vfs_conformance_ext2", timeout=380)
    assert re.search(r"ktest: 6 passed, 0 failed", out), out
    assert "skipped" not in out.replace("skipped\n", ""), out
