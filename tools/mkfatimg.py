#!/usr/bin/env python3
"""Build a FAT image from the FAT fixture tree without root: mformat (or
mkfs.fat) makes the volume, mcopy -s copies the tree. The tree is made
here, deterministically: long and non-ASCII names, nested directories,
a large file. Used by the Makefile (build/fat.img, `make run`'s DISKS)
and by tests/qemu/test_fat.py, which imports fixture_tree().

  tools/mkfatimg.py OUT [--mb N] [--tool mformat|mkfs] [--fat 12|16|32]
                        [--cluster SECTORS] [--fats 1|2] [--empty]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile


def pattern(n, seed):
    """@n bytes of a seeded, deterministic pattern."""
    out = bytearray(n)
    x = seed * 2654435761 & 0xFFFFFFFF
    for i in range(n):
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out[i] = x >> 16 & 0xFF
    return bytes(out)


def fixture_tree(large=1 << 20):
    """{relative path: bytes} of the fixture files (directories implied)."""
    big = (pattern(65536, 7) * (large // 65536 + 1))[:large]
    return {
        "README.TXT": b"Corvid FAT fixture\n",
        "lower.txt": b"lower-case 8.3 name\n",
        "Mixed Case Name.text": b"a long name with spaces\n",
        "Gr\u00fc\u00dfe, \u65e5\u672c.txt": "Gr\u00fc\u00dfe aus Corvid\n".encode(),
        "\u00e9t\u00e9 \u2013 caf\u00e9.bin": pattern(1000, 3),  # mtools cuts non-BMP names
        "empty": b"",
        "docs/guide.md": b"# Guide\n" + pattern(5000, 4),
        "docs/nested/deeper/leaf.dat": pattern(4097, 5),
        "docs/nested/a name that is rather long, to need several LFN slots.txt": b"x" * 300,
        "big/large.bin": big,
    }


def make_tree(root, files):
    for rel, data in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


def make_volume(out, mb, tool="mformat", fat=None, cluster=None, fats=None, extra=()):
    if os.path.exists(out):
        os.unlink(out)
    with open(out, "wb") as f:
        f.truncate(int(mb * 1024 * 1024))
    if tool == "mkfs":
        cmd = ["mkfs.fat", "-n", "CORVID"]
        if fat:
            cmd += ["-F", str(fat)]
        if cluster:
            cmd += ["-s", str(cluster)]
        if fats:
            cmd += ["-f", str(fats)]
        cmd += list(extra)
        cmd.append(out)
    else:
        cmd = ["mformat", "-i", out, "-v", "CORVID"]
        if fat == 32:
            cmd.append("-F")
        if cluster:
            cmd += ["-c", str(cluster)]
        if fats:
            cmd += ["-d", str(fats)]
        cmd += list(extra)
        cmd.append("::")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def copy_tree(img, files):
    tmp = tempfile.mkdtemp(prefix="fatfix-")
    try:
        make_tree(tmp, files)
        names = [os.path.join(tmp, n) for n in sorted(os.listdir(tmp))]
        env = dict(os.environ, MTOOLS_NO_VFAT="", LC_ALL="C.UTF-8")
        subprocess.run(["mcopy", "-s", "-i", img] + names + ["::/"], check=True, env=env)
    finally:
        shutil.rmtree(tmp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--mb", type=float, default=32)
    ap.add_argument("--tool", default="mformat", choices=["mformat", "mkfs"])
    ap.add_argument("--fat", type=int, choices=[12, 16, 32])
    ap.add_argument("--cluster", type=int)
    ap.add_argument("--fats", type=int)
    ap.add_argument("--empty", action="store_true")
    a = ap.parse_args()
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp = a.out + ".tmp"
    make_volume(tmp, a.mb, a.tool, a.fat, a.cluster, a.fats)
    if not a.empty:
        copy_tree(tmp, fixture_tree())
    os.replace(tmp, a.out)


if __name__ == "__main__":
    sys.exit(main())
