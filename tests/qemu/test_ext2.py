"""ext2 scenarios (issue "ext2: read and write real disks that e2fsck calls
clean"). Images are made on the host with mke2fs -d from generated trees
(tests/qemu/ext2img.py) when a scenario first needs them, in a temporary
directory removed at exit; the oracles are the host's copy of each file
(CRC-32), e2fsck -fn and debugfs rdump."""
import atexit
import os
import re
import shutil
import tempfile
import threading

import ext2img
from harness import ok, scenario

WORK = tempfile.mkdtemp(prefix="corvid-ext2-")
atexit.register(shutil.rmtree, WORK, True)
CRC_LINE = re.compile(r"^([0-9a-f]{8}) (\d+) (\S+)$", re.M)
_lock = threading.RLock()


class Lazy(os.PathLike):
    """A path whose file is made on first use (the harness copies disks
    with cp, which asks for the path): importing this module costs nothing,
    and scenarios running in parallel threads build each thing once."""

    def __init__(self, build):
        self.build, self.value = build, None

    def get(self):
        with _lock:
            if self.value is None:
                self.value = self.build()
            return self.value

    def __fspath__(self):
        return self.get()


def _tree(name, **kw):
    def build():
        root = os.path.join(WORK, name)
        ext2img.make_tree(root, **kw)
        return root
    return Lazy(build)


def _image(name, block, size_mb=64, tree=None, rev=1, extra=()):
    def build():
        path = os.path.join(WORK, name)
        ext2img.mkfs(path, size_mb, block, tree and os.fspath(tree), rev=rev, extra=extra)
        return path
    return Lazy(build)


def _files(tree):
    return Lazy(lambda: ext2img.files(os.fspath(tree)))


TREE = _tree("tree")
IMG1K = _image("fixture1k.img", 1024, tree=TREE)
IMG4K = _image("fixture4k.img", 4096, tree=TREE)
EXPECT = _files(TREE)
# Revision 0 (no filetype, no large_file), 2 KiB blocks, a smaller tree.
TREE_R0 = _tree("tree-r0", seed=3, big_dir=500, huge=False)
IMG_R0 = _image("fixture-r0-2k.img", 2048, tree=TREE_R0, rev=0)
EXPECT_R0 = _files(TREE_R0)


def check_tree(vm, mnt, expect=EXPECT, big_dir=10000):
    """Every file, directory and symlink of the fixture, read in the kernel,
    against the host's copy."""
    expect = expect.get()
    regs = sorted(p for p, v in expect.items() if v[0] == "f" and not p.startswith("bigdir/")
                  and p != "huge.bin")
    for i in range(0, len(regs), 8):
        batch = regs[i:i + 8]
        out = ok(vm, "crc32 " + " ".join("%s/%s" % (mnt, p) for p in batch))
        got = {m.group(3): (int(m.group(2)), int(m.group(1), 16)) for m in CRC_LINE.finditer(out)}
        for p in batch:
            assert got.get("%s/%s" % (mnt, p)) == expect[p][1:], (p, out)
    if "huge.bin" in expect:
        out = ok(vm, "stat %s/huge.bin" % mnt)
        assert re.search(r"Size: %d\s" % ext2img.BIG_SPARSE, out), out
        # Past 4 GiB (large_file): a hole reads as zeros, the data at the
        # end as the host wrote it.
        with open(os.path.join(os.fspath(TREE.get()), "huge.bin"), "rb") as f:
            f.seek(ext2img.BIG_SPARSE - 16)
            tail = f.read(16)
        for off, want in ((4 << 30, bytes(16)), (ext2img.BIG_SPARSE - 16, tail)):
            out = ok(vm, "hexdump -s %d -n 16 %s/huge.bin" % (off, mnt))
            row = "%08x  %s  %s" % (off, " ".join("%02x" % b for b in want[:8]),
                                    " ".join("%02x" % b for b in want[8:]))
            assert out.startswith(row), (off, row, out)
    names = ok(vm, "ls %s/bigdir" % mnt).split()
    assert names == sorted(p[len("bigdir/"):] for p in expect if p.startswith("bigdir/")), \
        len(names)
    assert ok(vm, "cat %s/bigdir/entry-%05d" % (mnt, big_dir // 2)) == "the middle one\n"
    deep = "/".join("d%d" % i for i in range(40))
    assert ok(vm, "cat %s/%s/bottom.txt" % (mnt, deep)) == "deep down\n"
    for link in ("fastlink", "slowlink", "dirlink"):
        out = ok(vm, "stat %s/%s" % (mnt, link))
        assert "symbolic link" in out and expect[link][1] in out, out
    assert ok(vm, "cat %s/fastlink" % mnt) == ok(vm, "cat %s/small01" % mnt)
    assert ok(vm, "ls %s/dirlink" % mnt).split() == ["d3"]


@scenario(uefi=False, smp=2, virtio=True, disk=IMG1K, disks=[IMG4K, IMG_R0], timeout=240)
def ext2_read_fixture(vm):
    out = ok(vm, "mount")
    for dev in ("vdb", "vdc", "vdd"):
        assert re.search(r"%s on /mnt/%s type ext2" % (dev, dev), out), out
    check_tree(vm, "/mnt/vdb")
    check_tree(vm, "/mnt/vdc")
    check_tree(vm, "/mnt/vdd", EXPECT_R0, 500)
    # Writing a revision 0 disk (no filetype in its entries) too.
    ok(vm, "mkdir /mnt/vdd/new")
    ok(vm, "write /mnt/vdd/new/f rev0")
    ok(vm, "mv /mnt/vdd/small00 /mnt/vdd/new/moved")
    vm.shutdown()
    for img in [vm.disk] + vm.disks:
        ext2img.fsck(img)


def _dirs(name, *subdirs):
    def build():
        root = os.path.join(WORK, name)
        for d in subdirs:
            os.makedirs(os.path.join(root, d))
        return root
    return Lazy(build)


WL1K = _image("wl1k.img", 1024, tree=_dirs("wlseed", "work"))


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


CONF1K = _image("conf1k.img", 1024, size_mb=16, extra=["-N", "12000"])
CONF4K = _image("conf4k.img", 4096, size_mb=16, extra=["-N", "12000"])


@scenario(uefi=False, smp=4, virtio=True, disk=CONF1K, disks=[CONF4K], timeout=400,
          mem="1G")
def ext2_vfs_conformance(vm):
    """The VFS conformance suite on fresh copies of blank mke2fs images."""
    ok(vm, "umount /mnt/vdb")
    ok(vm, "umount /mnt/vdc")
    out = vm.run("test vfs_conformance_ext2", timeout=380)
    assert re.search(r"ktest: 6 passed, 0 failed", out), out
    assert "skipped" not in out.replace("skipped\n", ""), out


def _enospc_seed():
    root = os.path.join(WORK, "enospc-seed")
    os.makedirs(root)
    with open(os.path.join(root, "seed"), "wb") as f:
        f.write(os.urandom(700 << 10))
    return root


ENOSPC = _image("enospc.img", 1024, size_mb=3, tree=Lazy(_enospc_seed), extra=["-N", "48"])


@scenario(uefi=False, smp=2, virtio=True, disk=ENOSPC, timeout=120)
def ext2_enospc(vm):
    """Fill the disk to ENOSPC (blocks, then inodes), delete, write again."""
    m = "/mnt/vdb"
    out = vm.run("cp %s/seed %s/c1" % (m, m))
    for i in range(2, 8):
        out = vm.run("cp %s/seed %s/c%d" % (m, m, i))
        if "No space left on device" in out:
            break
    assert "No space left on device" in out, out
    assert int(vm.run("echo $?").strip()) != 0
    assert ok(vm, "crc32 %s/c1" % m).split()[:2] == ok(vm, "crc32 %s/seed" % m).split()[:2]
    for j in range(0, 60, 15):
        out = vm.run("touch " + " ".join("%s/n%d" % (m, k) for k in range(j, j + 15)))
        if "No space left on device" in out:
            break
    assert "No space left on device" in out, out
    ok(vm, "rm %s/c1 %s/c%d" % (m, m, i))
    ok(vm, "rm " + " ".join("%s/n%d" % (m, k) for k in range(15)))
    ok(vm, "cp %s/seed %s/again" % (m, m))
    assert ok(vm, "crc32 %s/again" % m).split()[:2] == ok(vm, "crc32 %s/seed" % m).split()[:2]
    vm.shutdown()
    ext2img.fsck(vm.disk)


SMALL_TREE = _tree("small-tree", seed=2, big_dir=300, huge=False)
SMALL = _image("small1k.img", 1024, size_mb=32, tree=SMALL_TREE)
SMALL_EXPECT = _files(SMALL_TREE)


def _bad(seed):
    def build():
        path = os.path.join(WORK, "bad%d.img" % seed)
        ext2img.corrupt(os.fspath(SMALL), path, seed=seed)
        return path
    return Lazy(build)


BAD = [_bad(seed) for seed in range(6)]


def _patch(name, off, data):
    def build():
        path = os.path.join(WORK, name)
        ext2img.subprocess.run(["cp", "--sparse=always", os.fspath(SMALL), path], check=True)
        with open(path, "r+b") as f:
            f.seek(off)
            f.write(data)
        return path
    return Lazy(build)


# Targeted damage: an unknown INCOMPAT feature (extent) must refuse the
# mount naming it; an inode table outside the disk must refuse it too.
BAD.append(_patch("badfeat.img", 1024 + 96, (0x2 | 0x40).to_bytes(4, "little")))
BAD.append(_patch("badgd.img", 2048 + 8, (0x7fffffff).to_bytes(4, "little")))
# Marked with errors, and an unknown RO_COMPAT feature (huge_file): both
# mount read-only with a warning.
BAD.append(_patch("errors.img", 1024 + 58, (0x2).to_bytes(2, "little")))
BAD.append(_patch("rocompat.img", 1024 + 100, (0x3 | 0x8).to_bytes(4, "little")))


@scenario(uefi=False, smp=2, virtio=True, disk=BAD[0], disks=BAD[1:], timeout=300)
def ext2_corrupt_images(vm):
    """Metadata bytes flipped at random (seeded): each disk mounts or is
    refused with a message, and reading everything on it never crashes."""
    mounts = ok(vm, "mount")
    regs = sorted(p for p, v in SMALL_EXPECT.get().items() if v[0] in "fl")
    for dev in ["vd" + chr(ord("b") + i) for i in range(len(BAD))]:
        if "/mnt/%s type ext2" % dev not in mounts:
            assert re.search(r"ext2: %s: " % dev, vm.text()), dev  # refused, with a reason
            continue
        vm.run("ls -R /mnt/%s" % dev, timeout=60)
        for i in range(0, len(regs), 10):
            vm.run("crc32 " + " ".join("/mnt/%s/%s" % (dev, p) for p in regs[i:i + 10]),
                   timeout=60)
        vm.run("cat /mnt/%s/fastlink /mnt/%s/d0/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11" % (dev, dev))
        vm.run("mkdir /mnt/%s/newdir" % dev)
        vm.run("write /mnt/%s/newdir/f hello" % dev)
    assert "vdh: unsupported INCOMPAT features: extent; not mounted" in vm.text()
    assert "vdi: group 0: corrupt group descriptor" in vm.text()
    assert "vdj: filesystem has errors (run e2fsck); mounting read-only" in vm.text()
    assert "vdk: unsupported RO_COMPAT features: huge_file; mounting read-only" in vm.text()
    for dev in ("vdj", "vdk"):
        assert "/mnt/%s type ext2" % dev in mounts, mounts
        out = vm.run("write /mnt/%s/x nope" % dev)
        assert "Read-only file system" in out, out
        assert ok(vm, "cat /mnt/%s/fastlink" % dev) == ok(vm, "cat /mnt/%s/small01" % dev)
    assert ok(vm, "echo alive").strip() == "alive"
    assert "panic" not in vm.text().lower(), vm.text()[-2000:]


def _root_tree():
    root = os.path.join(WORK, "root-tree")
    os.makedirs(os.path.join(root, "etc"))
    with open(os.path.join(root, "etc", "hostname"), "w") as f:
        f.write("from-ext2\n")
    return root


ROOTIMG = _image("root.img", 4096, size_mb=16, tree=Lazy(_root_tree))


@scenario(uefi=False, smp=2, virtio=True, disk=ROOTIMG, cmdline="root=vdb", timeout=90)
def ext2_root(vm):
    """root=vdb: the ext2 disk is /, with /dev, /proc and /tmp made on it."""
    assert ok(vm, "cat /etc/hostname") == "from-ext2\n"
    out = ok(vm, "mount")
    assert re.search(r"^vdb on / type ext2", out, re.M), out
    for d in ("/dev", "/proc", "/tmp"):
        assert re.search(r" on %s type " % d, out), out
    ok(vm, "write /etc/motd written on the root")
    vm.shutdown()
    ext2img.fsck(vm.disk)
    got = os.path.join(WORK, "root-out")
    ext2img.cleanup(got)
    ext2img.rdump(vm.disk, got)
    with open(os.path.join(got, "etc", "motd")) as f:
        assert f.read() == "written on the root\n"
    assert {"dev", "proc", "tmp", "etc", "lost+found"} <= set(os.listdir(got))
    assert "mnt" not in os.listdir(got)   # automount left the root disk alone
