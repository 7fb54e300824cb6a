"""FAT scenarios (kernel/fs/fat, doc/fat.md): images made on the host by
mformat and mkfs.fat with the fixture tree copied in by mcopy
(tools/mkfatimg.py) are mounted by the boot automount; every file is read
back and compared by CRC-32 with the host's bytes; a write workload runs
in the kernel, and after umount and shutdown fsck.fat -n finds nothing
and mdir/mcopy see exactly the expected tree and bytes."""
import atexit
import os
import re
import subprocess
import sys
import tempfile
import zlib

from harness import scenario, ok, fails

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools"))
import mkfatimg  # noqa: E402

FILES = mkfatimg.fixture_tree()


def image(mb, tool="mformat", fat=None, cluster=None, fats=None, empty=False, extra=()):
    fd, path = tempfile.mkstemp(prefix="fat-", suffix=".img")
    os.close(fd)
    mkfatimg.make_volume(path, mb, tool, fat, cluster, fats, extra)
    if not empty:
        mkfatimg.copy_tree(path, FILES)
    atexit.register(lambda: os.path.exists(path) and os.unlink(path))
    return path


def crc_line(path, data):
    return "%08x %d %s" % (zlib.crc32(data), len(data), path)


def check_fixture(vm, mnt):
    out = ok(vm, "mount")
    assert f"on {mnt} type vfat" in out, out
    names = sorted(n for n in FILES if n.isascii())  # the rest: fat_fixture_unicode_names
    cmd = "crc32 " + " ".join('"%s/%s"' % (mnt, n) for n in names)
    out = ok(vm, cmd, )
    for n in names:
        assert crc_line(f"{mnt}/{n}", FILES[n]) in out, (n, out)


def fsck_clean(img):
    r = subprocess.run(["fsck.fat", "-n", img], capture_output=True, text=True)
    lines = [l for l in r.stdout.splitlines() if not l.startswith("fsck.fat ")]
    assert r.returncode == 0 and len(lines) == 1 and " files, " in lines[0], r.stdout + r.stderr
    return lines[0]


def host_tree(img):
    """{path: bytes} of every file on @img, through mcopy -s."""
    out = tempfile.mkdtemp(prefix="fatout-")
    env = dict(os.environ, LC_ALL="C.UTF-8")
    subprocess.run(["mcopy", "-s", "-n", "-i", img, "::/", out], check=True, env=env,
                   capture_output=True)
    tree = {}
    for root, _, files in os.walk(out):
        for f in files:
            p = os.path.join(root, f)
            with open(p, "rb") as fh:
                tree[os.path.relpath(p, out)] = fh.read()
    subprocess.run(["rm", "-rf", out], check=True)
    return tree


FAT16 = image(32)
FAT32 = image(64, fat=32)
FAT12 = image(1.40625, tool="mkfs", fat=12)  # 1440 KiB


@scenario(virtio=True, disks=[FAT16, FAT32], smp=2, timeout=120)
def fat_reads_fixture(vm):
    boot = vm.text()
    assert "vdb (vfat) mounted on /mnt/vdb" in boot and "vdc (vfat) mounted on /mnt/vdc" in boot
    assert "vda (" not in boot  # the ISO is not taken for FAT
    check_fixture(vm, "/mnt/vdb")
    check_fixture(vm, "/mnt/vdc")
    out = ok(vm, "ls /mnt/vdb")
    for n in ("Gr\u00fc\u00dfe, \u65e5\u672c.txt", "README.TXT", "lower.txt", "docs", "big"):
        assert n in out, out
    # Case-insensitive lookup that preserves case; short aliases work.
    assert ok(vm, "cat /mnt/vdb/readme.txt") == "Corvid FAT fixture\n"
    assert ok(vm, "cat /mnt/vdb/MIXEDC~1.TEX") == "a long name with spaces\n"
    # Non-ASCII names cannot be typed: a ktest reads them (same constants).
    src = open(os.path.join(os.path.dirname(__file__), "../../kernel/fs/fat/fat_ktest.c")).read()
    for n in FILES:
        if any(ord(ch) > 127 for ch in n):
            assert "0x%08x, %d }" % (zlib.crc32(FILES[n]), len(FILES[n])) in src, n
    out = vm.run("test fat_fixture")
    assert re.search(r"ktest: 1 passed, 0 failed", out) and "skipped" not in out, out
    vm.shutdown()


def workload(vm, mnt, big=True):
    """A write workload in the kernel; returns the tree the host must see."""
    want = dict(FILES)
    vm.run(f"cd {mnt}")
    ok(vm, "mkdir -p new/sub/deep")
    ok(vm, "write new/a.txt hello world")
    ok(vm, "echo appended >> new/a.txt")
    want["new/a.txt"] = b"hello world\nappended\n"
    src = "big/large.bin" if big else "docs/guide.md"
    ok(vm, f"cp {src} new/sub/copy.bin")
    want["new/sub/copy.bin"] = FILES[src]
    ok(vm, "mv docs/nested new/moved")  # a directory to another parent: its ".." moves
    for k in [k for k in want if k.startswith("docs/nested/")]:
        want["new/moved/" + k[len("docs/nested/"):]] = want.pop(k)
    ok(vm, 'mv lower.txt "new/Renamed File.txt"')
    want["new/Renamed File.txt"] = want.pop("lower.txt")
    ok(vm, "rm README.TXT")
    del want["README.TXT"]
    ok(vm, 'mkdir "A Long Directory Name" gone')
    ok(vm, "rmdir gone")
    for i in range(40):
        name = f"new/sub/deep/file number {i} with a long name.txt"
        ok(vm, f'write "{name}" content {i}')
        want[name] = b"content %d\n" % i
    for i in range(0, 40, 3):
        ok(vm, f'rm "new/sub/deep/file number {i} with a long name.txt"')
        del want[f"new/sub/deep/file number {i} with a long name.txt"]
    ok(vm, "write new/sub/deep/x.TXT refilled slot")
    want["new/sub/deep/x.TXT"] = b"refilled slot\n"
    ok(vm, "write empty now not empty")
    want["empty"] = b"now not empty\n"
    ok(vm, "cat new/moved/../moved/deeper/leaf.dat > /tmp/leaf")
    ok(vm, "cd /")
    out = ok(vm, f"crc32 {mnt}/new/a.txt {mnt}/new/sub/copy.bin")
    assert crc_line(f"{mnt}/new/sub/copy.bin", FILES[src]) in out, out
    ok(vm, f"umount {mnt}")
    return want


def check_host(img, want):
    print("fsck:", fsck_clean(img), len(want))
    got = host_tree(img)
    assert sorted(got) == sorted(want), (sorted(set(got) ^ set(want)))
    for k in want:
        assert got[k] == want[k], k


W16 = image(32, tool="mkfs", fat=16, cluster=4)
W32 = image(64, tool="mkfs", fat=32, cluster=1, fats=2)
W12 = image(1.40625, tool="mkfs", fat=12)


@scenario(virtio=True, disks=[W16, W32, W12], smp=2, timeout=240)
def fat_write_workload_fsck(vm):
    wants = [workload(vm, "/mnt/vdb"), workload(vm, "/mnt/vdc"), workload(vm, "/mnt/vdd", big=False)]
    vm.shutdown()
    for img, want in zip(vm.disks, wants):
        check_host(img, want)


def conf_image(fat, mb, cluster):
    fd, path = tempfile.mkstemp(prefix=f"fatconf{fat}-", suffix=".img")
    os.close(fd)
    os.truncate(path, mb << 20)
    subprocess.run(["mkfs.fat", "-F", str(fat), "-s", str(cluster), "-n", "CORVIDCONF", path],
                   check=True, stdout=subprocess.DEVNULL)
    atexit.register(lambda: os.path.exists(path) and os.unlink(path))
    return path


CONF16 = conf_image(16, 9, 4)
CONF32 = conf_image(32, 40, 1)


@scenario(virtio=True, disks=[CONF16, CONF32], smp=2, mem="1G", timeout=600)
def fat_conformance_and_enospc(vm):
    ok(vm, "umount /mnt/vdb")  # the boot automount took them
    ok(vm, "umount /mnt/vdc")
    out = vm.run("test " + os.environ.get("FAT_KTESTS", "vfs_conformance_vfat fat_enospc"), timeout=560)
    assert re.search(r"ktest: \d+ passed, 0 failed", out), out
    assert "skipped: no blank" not in vm.text(), out
    vm.shutdown()
    for img in vm.disks:
        fsck_clean(img)


# ---- bad volumes ---------------------------------------------------------
class Fat16:
    """A FAT16 image's geometry and root directory, for corrupting it."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            bs = f.read(512)
        le = int.from_bytes
        self.bps, self.spc = le(bs[11:13], "little"), bs[13]
        self.rsvd, self.nfats = le(bs[14:16], "little"), bs[16]
        self.roots, self.fatsz = le(bs[17:19], "little"), le(bs[22:24], "little")
        self.root = (self.rsvd + self.nfats * self.fatsz) * self.bps
        self.data = self.root + self.roots * 32

    def entry(self, name11):
        with open(self.path, "rb") as f:
            f.seek(self.root)
            d = f.read(self.roots * 32)
        for i in range(0, len(d), 32):
            if d[i:i + 11] == name11:
                return self.root + i, int.from_bytes(d[i + 26:i + 28], "little")
        raise KeyError(name11)

    def set_fat(self, cl, val):
        with open(self.path, "r+b") as f:
            for n in range(self.nfats):
                f.seek((self.rsvd + n * self.fatsz) * self.bps + 2 * cl)
                f.write(val.to_bytes(2, "little"))

    def poke(self, off, data):
        with open(self.path, "r+b") as f:
            f.seek(off)
            f.write(data)


def bad_chains_image():
    path = image(10, tool="mkfs", fat=16, cluster=4, empty=True)
    files = {"loop.bin": pattern3(9000), "out.bin": pattern3(9000), "free.bin": pattern3(9000),
             "ok.txt": b"still readable\n"}
    mkfatimg.copy_tree(path, files)
    subprocess.run(["mmd", "-i", path, "::/dirloop"], check=True)
    v = Fat16(path)
    _, c = v.entry(b"LOOP    BIN")
    v.set_fat(c + 2, c)           # the third cluster links back to the first
    _, c = v.entry(b"OUT     BIN")
    v.set_fat(c + 1, 0xFFF0)      # past the volume's last cluster
    _, c = v.entry(b"FREE    BIN")
    v.set_fat(c + 1, c + 200)     # a free cluster (never allocated)
    _, c = v.entry(b"DIRLOOP    ")
    v.poke(v.data + (c - 2) * v.spc * v.bps, b"\x41" * (v.spc * v.bps))  # no end marker
    v.set_fat(c, c)               # and a chain onto itself
    return path


def pattern3(n):
    return mkfatimg.pattern(n, 11)


def bad_bpb_image(off, value):
    path = image(2, tool="mkfs", fat=12, empty=True)
    Fat16(path).poke(off, value)
    return path


BAD = bad_chains_image()
BPB_ZERO_SECTOR = bad_bpb_image(11, b"\0\0")         # bytes per sector 0
BPB_ZERO_CLUSTER = bad_bpb_image(13, b"\0")          # sectors per cluster 0
BPB_HUGE_FAT = bad_bpb_image(22, b"\xff\xff")        # a FAT larger than the disk
BPB_ZERO_FATS = bad_bpb_image(16, b"\0")             # no FAT


@scenario(virtio=True, disks=[BAD, BPB_ZERO_SECTOR, BPB_ZERO_CLUSTER, BPB_HUGE_FAT, BPB_ZERO_FATS],
          smp=2, timeout=90)
def fat_bad_volumes(vm):
    boot = vm.text()
    assert "vdb (vfat) mounted on /mnt/vdb" in boot, boot
    for d in "cdef":
        assert f"vd{d} (" not in boot  # the probe is strict
    for name, what in (("loop.bin", "loops"), ("out.bin", "leaves the volume"),
                       ("free.bin", "free cluster")):
        out = vm.run(f"cat /mnt/vdb/{name}")
        assert "Structure needs cleaning" in out, (name, out)
        assert what in vm.text(), (name, what)
    out = vm.run("ls /mnt/vdb/dirloop")
    assert "Structure needs cleaning" in out, out
    assert ok(vm, "cat /mnt/vdb/ok.txt") == "still readable\n"  # the rest still works
    ok(vm, "write /mnt/vdb/new.txt after the errors")
    for d in "cdef":
        out = vm.run(f"mount vd{d} /mnt -t vfat")
        assert "Structure needs cleaning" in out or "Invalid argument" in out, (d, out)
        assert f"vd{d}: not a FAT volume:" in vm.text(), d
    ok(vm, "umount /mnt/vdb")
    vm.shutdown()


# Geometries: mformat's floppy, one FAT, the largest clusters, a larger
# root directory, and a 2 GiB sparse FAT32 volume.
GEOMETRIES = [
    image(1.40625, extra=["-f", "1440"]),                       # mformat FAT12 floppy
    image(6, tool="mkfs", fat=12, cluster=128),                  # FAT12, 64 KiB clusters
    image(40, tool="mkfs", fat=16, cluster=16, fats=1),          # FAT16, one FAT, 8 KiB
    image(24, tool="mkfs", fat=16, cluster=2, extra=["-r", "1024"]),  # 1 KiB, big root
    image(2048, tool="mkfs", fat=32, cluster=32),                # 2 GiB, 16 KiB clusters
]


@scenario(virtio=True, disks=GEOMETRIES, smp=2, timeout=120)
def fat_geometries(vm):
    out = vm.text()
    for i, d in enumerate("bcdef"):
        assert f"vd{d} (vfat) mounted on /mnt/vd{d}" in out, (i, out)
        check_fixture(vm, f"/mnt/vd{d}")
    assert "FAT12, " in out and "FAT16, " in out and "FAT32, " in out, out
    ok(vm, "write /mnt/vdf/new.txt on the big one")
    ok(vm, "cp /mnt/vdf/big/large.bin /mnt/vdf/copy.bin")
    for d in "bcdef":
        ok(vm, f"umount /mnt/vd{d}")
    vm.shutdown()
    for img in vm.disks:
        fsck_clean(img)
    got = host_tree(vm.disks[4])
    assert got["new.txt"] == b"on the big one\n" and got["copy.bin"] == FILES["big/large.bin"]
