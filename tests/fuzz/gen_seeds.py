#!/usr/bin/env python3
"""Write the handcrafted seed inputs of tests/fuzz/corpus/<name>/.

Each seed is a small, valid input shaped like what the real source gives
the kernel (GRUB's Multiboot2 block, QEMU's ACPI tables, a typed shell
line, a console font), so the fuzzer starts from the interesting paths.
Crash inputs that fuzzing found are committed beside them by hand
(crash-*), not generated here. Run from the repository root:
    python3 tests/fuzz/gen_seeds.py
"""
import gzip
import os
import struct
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def write(name, seed, data):
    d = os.path.join(ROOT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, seed), "wb") as f:
        f.write(data)


# ---- Multiboot2 (spec section 3.6) -------------------------------------

def mb2_tag(type_, payload):
    t = struct.pack("<II", type_, 8 + len(payload)) + payload
    return t + b"\0" * (-len(t) % 8)


def mb2_block(tags):
    body = b"".join(tags) + mb2_tag(0, b"")
    return struct.pack("<II", 8 + len(body), 0) + body


def rsdp(rev, rsdt=0, xsdt=0):
    r = bytearray(b"RSD PTR " + b"\0" + b"BOCHS " + bytes([rev]) + struct.pack("<I", rsdt))
    r[8] = -sum(r) & 0xFF
    if rev >= 2:
        r += struct.pack("<IQ", 36, xsdt) + b"\0\0\0\0"
        r[32] = -sum(r) & 0xFF
    return bytes(r)


def mmap_tag(entries, esize=24):
    p = struct.pack("<II", esize, 0)
    for base, length, type_ in entries:
        e = struct.pack("<QQII", base, length, type_, 0)
        p += e + b"\0" * (esize - len(e))
    return mb2_tag(6, p)


def multiboot2():
    qemu_map = [(0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0xF0000, 0x10000, 2),
                (0x100000, 0x7FEE0000, 1), (0x7FFE0000, 0x20000, 2),
                (0xFFFC0000, 0x40000, 2)]
    fb = struct.pack("<QIIIBBH", 0xFD000000, 4096, 1024, 768, 32, 1, 0) + bytes([16, 8, 8, 8, 0, 8])
    write("multiboot2", "bios", mb2_block([
        mb2_tag(1, b"test\0"), mb2_tag(2, b"GRUB 2.06-13+deb12u1\0"),
        mb2_tag(3, struct.pack("<II", 0x200000, 0x280000) + b"initrd.cpio\0"),
        mb2_tag(4, struct.pack("<II", 639, 2096000)), mmap_tag(qemu_map),
        mb2_tag(14, rsdp(0, 0x7FFE1000))]))
    write("multiboot2", "uefi", mb2_block([
        mb2_tag(1, b"\0"), mb2_tag(2, b"GRUB\0"), mmap_tag(qemu_map),
        mb2_tag(8, fb), mb2_tag(12, struct.pack("<Q", 0x7F9EE018)),
        mb2_tag(14, rsdp(0, 0x7FB7E000)), mb2_tag(15, rsdp(2, 0x7FB7E000, 0x7FB7E0E8))]))
    # A memory map whose entries are 32 bytes (the spec allows any size >= 24).
    write("multiboot2", "wide-entries", mb2_block([mmap_tag(qemu_map[:3], 32)]))


# ---- PSF fonts ----------------------------------------------------------

def psf():
    src = "/usr/share/consolefonts/Lat15-Terminus16.psf.gz"
    if os.path.exists(src):
        write("psf", "terminus16.psf2", gzip.decompress(open(src, "rb").read()))
    # PSF1, 256 glyphs of 8x8, with a Unicode table (glyph i = U+i).
    table = b"".join(struct.pack("<HH", i, 0xFFFF) for i in range(256))
    write("psf", "tiny.psf1", bytes([0x36, 0x04, 0x02, 8]) + bytes(range(256)) * 8 + table)
    # PSF2, 4 glyphs of 12x4, UTF-8 table with a sequence.
    hdr = struct.pack("<IIIIIIII", 0x864AB572, 0, 32, 1, 4, 8, 4, 12)
    write("psf", "small.psf2", hdr + bytes(32) + b"A\xff\xc3\xa9\xfeE\xcc\x81\xffB\xff?\xff")


def main():
    multiboot2()
    psf()
    return 0


if __name__ == "__main__":
    sys.exit(main())
