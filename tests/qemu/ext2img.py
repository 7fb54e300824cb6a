"""Host side of the ext2 scenarios: fixture trees, images made from them
with Debian's own mke2fs -d (no root, no loop mounts), and the oracles
(e2fsck -fn, debugfs rdump, CRC-32 of every file)."""
import os
import random
import re
import shutil
import subprocess
import zlib

TRIPLE_AT = 70 << 20   # past 12 + 256 + 65536 KiB: triple-indirect at 1 KiB blocks
BIG_SPARSE = 5 << 30   # a file over 4 GiB (large_file), almost all hole


def tool(name):
    for d in ("/sbin", "/usr/sbin", "/usr/bin", "/bin"):
        p = os.path.join(d, name)
        if os.path.exists(p):
            return p
    return name


def make_tree(root, seed=1, big_dir=10000, huge=True):
    """A tree with small files, a triple-indirect sparse file, a file over
    4 GiB, a @big_dir-entry directory, deep nesting and symlinks."""
    rng = random.Random(seed)
    os.makedirs(root)
    for i in range(40):
        n = rng.choice([0, 1, 100, 1023, 1024, 1025, 4095, 4096, 5000, 12 * 1024 + 7, 300000])
        with open(os.path.join(root, "small%02d" % i), "wb") as f:
            f.write(rng.randbytes(n))
    with open(os.path.join(root, "triple.bin"), "wb") as f:
        for off in (0, 20 << 10, 300 << 10, 40 << 20, TRIPLE_AT):
            f.seek(off)
            f.write(rng.randbytes(8192))
    if huge:
        with open(os.path.join(root, "huge.bin"), "wb") as f:
            f.seek(BIG_SPARSE - 4096)
            f.write(rng.randbytes(4096))
    big = os.path.join(root, "bigdir")
    os.makedirs(big)
    for i in range(big_dir):
        open(os.path.join(big, "entry-%05d" % i), "wb").close()
    with open(os.path.join(big, "entry-%05d" % (big_dir // 2)), "wb") as f:
        f.write(b"the middle one\n")
    deep = root
    for i in range(40):
        deep = os.path.join(deep, "d%d" % i)
    os.makedirs(deep)
    with open(os.path.join(deep, "bottom.txt"), "wb") as f:
        f.write(b"deep down\n")
    os.symlink("small01", os.path.join(root, "fastlink"))
    os.symlink("/" + "x" * 150 + "/slow/target", os.path.join(root, "slowlink"))
    os.symlink("d0/d1/d2", os.path.join(root, "dirlink"))


def mkfs(path, size_mb, block, tree=None, rev=1, extra=()):
    """An ext2 image of @size_mb MiB with @block-byte blocks, filled from
    @tree; indexes big directories (e2fsck -D) so htree is read too."""
    if os.path.exists(path):
        os.unlink(path)
    args = [tool("mke2fs"), "-q", "-F", "-t", "ext2", "-b", str(block), "-r", str(rev)]
    if rev == 0:
        args[args.index("-t"):args.index("-t") + 2] = []
    if tree:
        args += ["-d", tree]
    args += list(extra) + [path, "%dM" % size_mb]
    subprocess.run(args, check=True, env=dict(os.environ, MKE2FS_CONFIG="/etc/mke2fs.conf"))
    if tree and rev == 1:
        subprocess.run([tool("e2fsck"), "-fyD", path], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    fsck(path)


def fsck(path):
    """e2fsck -fn must find nothing wrong."""
    r = subprocess.run([tool("e2fsck"), "-fn", path], capture_output=True, text=True)
    assert r.returncode == 0, ("e2fsck -fn", path, r.returncode, r.stdout, r.stderr)
    return r.stdout


def rdump(path, dest):
    """The image's tree, copied out with debugfs rdump."""
    os.makedirs(dest)
    r = subprocess.run([tool("debugfs"), "-R", "rdump / " + dest, path], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr


def crc(path, limit=None):
    c = 0
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                return c
            c = zlib.crc32(b, c)


CRC_MAX = 1 << 30   # a larger (sparse) file's CRC would mean reading GiBs of holes


def files(root):
    """Relative path -> ('f', size, crc) / ('l', target) / ('d',) for a tree;
    crc is None for files over CRC_MAX (huge.bin: 9 s of reading zeros)."""
    out = {}
    for d, dirs, names in os.walk(root):
        for n in dirs + names:
            p = os.path.join(d, n)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                out[rel] = ("l", os.readlink(p))
            elif os.path.isdir(p):
                out[rel] = ("d",)
            else:
                size = os.path.getsize(p)
                out[rel] = ("f", size, crc(p) if size <= CRC_MAX else None)
    return out


def cleanup(*paths):
    for p in paths:
        if os.path.isdir(p):
            shutil.rmtree(p, ignore_errors=True)
        elif os.path.exists(p):
            os.unlink(p)


def wl_fill(n, t, i, salt):
    return bytes((t * 31 + i * 7 + k * 13 + salt) & 0xff for k in range(n))


def _pwrite(path, data, off):
    with open(path, "r+b" if os.path.exists(path) else "wb") as f:
        f.seek(off)
        f.write(data)


def workload_tree(root, tasks=4, rounds=60):
    """What kernel/fs/ext2/ext2_ktest.c's ext2_workload leaves in work/,
    built with the same operations on the host."""
    os.makedirs(root)
    for t in range(tasks):
        d = os.path.join(root, "t%d" % t)
        os.makedirs(os.path.join(d, "sub"))
        for i in range(rounds):
            n, a = (i * 997) % 9000 + 1, (i * 131) % 3000
            f = os.path.join(d, "f%d" % i)
            with open(f, "wb") as fh:
                fh.write(wl_fill(n, t, i, 0))
                fh.write(wl_fill(a, t, i, 1))
            if i % 10 == 9:
                _pwrite(f, wl_fill(10, t, i, 2), (3 << 20) + i)
            if i % 5 == 1:
                _pwrite(f, b"X" * 50, 100)
            elif i % 5 == 2:
                os.truncate(f, (i * 37) % 2000)
            elif i % 5 == 3:
                os.rename(f, os.path.join(d, "sub", "g%d" % i))
            elif i % 5 == 4:
                os.link(f, os.path.join(d, "h%d" % i))
                os.unlink(f)
            elif i % 7 == 0 and i % 14:
                os.makedirs(os.path.join(d, "dir%d" % i))
                with open(os.path.join(d, "dir%d" % i, "x"), "wb") as fh:
                    fh.write(wl_fill(5, t, i, 5))
        big = os.path.join(d, "big")
        with open(big, "wb") as fh:
            for c in range(40):
                fh.write(wl_fill(12000, t, c, 3))
        os.truncate(big, 300000)
        _pwrite(big, wl_fill(100, t, 0, 4), 20 << 20)
        os.makedirs(os.path.join(d, "m2"))
        os.symlink("sub/g3", os.path.join(d, "link"))


def metadata_blocks(path):
    """Block numbers of an image's metadata: superblock, descriptors,
    bitmaps, the used start of each inode table, every directory's blocks
    and every file's indirect blocks (from dumpe2fs and debugfs)."""
    out = subprocess.run([tool("dumpe2fs"), path], capture_output=True, text=True).stdout
    bs = int(re.search(r"Block size:\s+(\d+)", out).group(1))
    blocks = {1024 // bs}
    for m in re.finditer(r"Primary superblock at (\d+), Group descriptors at (\d+)-(\d+)", out):
        blocks.update(range(int(m.group(2)), int(m.group(3)) + 1))
    for m in re.finditer(r"(?:Block|Inode) bitmap at (\d+)", out):
        blocks.add(int(m.group(1)))
    for m in re.finditer(r"Inode table at (\d+)-(\d+)", out):
        blocks.update(range(int(m.group(1)), min(int(m.group(2)), int(m.group(1)) + 8) + 1))
    ls = subprocess.run([tool("debugfs"), "-R", "ls -l -r /", path], capture_output=True,
                        text=True).stdout
    found = [(int(a), b) for a, b in re.findall(r"^\s*(\d+)\s+(\d+)", ls, re.M)]
    for ino, mode in sorted(set(found)):
        r = subprocess.run([tool("debugfs"), "-R", "stat <%d>" % ino, path],
                           capture_output=True, text=True).stdout
        if mode.startswith("4"):  # a directory: all its blocks
            for a, b in re.findall(r"\(\d+(?:-\d+)?\):(\d+)(?:-(\d+))?", r):
                blocks.update(range(int(a), int(b or a) + 1))
        for m in re.finditer(r"\((?:IND|DIND|TIND)\):(\d+)", r):
            blocks.add(int(m.group(1)))
    return sorted(blocks), bs


def corrupt(src, dst, seed, flips=24):
    """A copy of @src with @flips random bytes of its metadata blocks
    changed (seeded: the same @seed gives the same image)."""
    blocks, bs = metadata_blocks(src)
    rng = random.Random(seed)
    subprocess.run(["cp", "--sparse=always", src, dst], check=True)
    with open(dst, "r+b") as f:
        for _ in range(flips):
            off = rng.choice(blocks) * bs + rng.randrange(bs)
            if off < 1024 + 100 and seed % 3:  # most images keep a mountable superblock
                continue
            f.seek(off)
            old = f.read(1)[0]
            f.seek(off)
            f.write(bytes([old ^ (1 << rng.randrange(8))]))
