#!/usr/bin/env python3
"""Write the handcrafted seed inputs of tests/fuzz/corpus/<name>/.

Each seed is a small, valid input shaped like what the real source gives
the kernel (GRUB's Multiboot2 block, QEMU's ACPI tables, a typed shell
line, a console font), so the fuzzer starts from the interesting paths.
Crash inputs are committed beside them by hand (crash-*), not generated
here; doc/fuzzing.md lists them. Run from the repository root:
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


# ---- ACPI (ACPI 6.5 section 5.2), shaped like QEMU q35's tables --------

def sdt(sig, body, rev=1):
    t = bytearray(sig + struct.pack("<IBB", 36 + len(body), rev, 0) + b"BOCHS BXPC    " +
                  struct.pack("<III", 1, 0x43505842, 1) + body)
    t[9] = -sum(t) & 0xFF
    return bytes(t)


S5_AML = bytes([0x08, ord("_"), ord("S"), ord("5"), ord("_"), 0x12, 0x06, 0x04,
                0x0A, 0x05, 0x00, 0x00, 0x00])


def acpi_tables(base, xsdt):
    """RSDT or XSDT, FACP, DSDT, APIC, HPET, MCFG packed from @base."""
    dsdt = sdt(b"DSDT", bytes([0x10, 0x05, 0x5C, 0x00, 0x08]) + S5_AML, 2)
    madt = struct.pack("<II", 0xFEE00000, 1)
    for cpu in range(2):
        madt += struct.pack("<BBBBI", 0, 8, cpu, cpu, 1)
    madt += struct.pack("<BBBBII", 1, 12, 0, 0, 0xFEC00000, 0)
    madt += struct.pack("<BBBBIH", 2, 10, 0, 0, 2, 0)
    madt += struct.pack("<BBBBIH", 2, 10, 0, 9, 9, 0x0D)
    madt += struct.pack("<BBBHB", 4, 6, 0xFF, 0, 1)
    hpet = struct.pack("<IBBBBQBHB", 0x8086A201, 0, 64, 0, 0, 0xFED00000, 0, 128, 0)
    mcfg = bytes(8) + struct.pack("<QHBBI", 0xB0000000, 0, 0, 255, 0)
    layout = [None, None, dsdt, sdt(b"APIC", madt, 3), sdt(b"HPET", hpet), sdt(b"MCFG", mcfg)]
    addrs, off = [], 0x100
    for t in layout:
        addrs.append(base + off)
        off += 0x100
    facp = bytearray(244 - 36)
    struct.pack_into("<I", facp, 40 - 36, addrs[2])
    struct.pack_into("<H", facp, 46 - 36, 9)
    struct.pack_into("<I", facp, 64 - 36, 0x604)
    facp[89 - 36] = 2
    struct.pack_into("<I", facp, 112 - 36, 1 << 10)
    facp[116 - 36:128 - 36] = struct.pack("<BBBBQ", 1, 8, 0, 0, 0xCF9)
    facp[128 - 36] = 6
    layout[1] = sdt(b"FACP", bytes(facp), 3)
    ptrs = addrs[1:2] + addrs[3:]
    if xsdt:
        layout[0] = sdt(b"XSDT", b"".join(struct.pack("<Q", a) for a in ptrs))
    else:
        layout[0] = sdt(b"RSDT", b"".join(struct.pack("<I", a) for a in ptrs))
    addrs[0] = base
    mem = bytearray(off)
    mem[0:len(layout[0])] = layout[0]
    for t, a in zip(layout[1:], addrs[1:]):
        mem[a - base:a - base + len(t)] = t
    return bytes(mem)


def chunk(pa, data):
    return struct.pack("<IH", pa, len(data)) + data


FLAG_COPY, FLAG_COPY_V2, FLAG_BIOS, FLAG_FIX_SUMS = 1, 2, 4, 8


def acpi():
    base = 0x7FFE0000
    write("acpi", "loader-copy-rsdt", bytes([FLAG_COPY | FLAG_FIX_SUMS]) + rsdp(0, base) +
          chunk(base, acpi_tables(base, False)))
    write("acpi", "loader-copy-xsdt",
          bytes([FLAG_COPY | FLAG_COPY_V2 | FLAG_FIX_SUMS]) + rsdp(2, 0, base) +
          chunk(base, acpi_tables(base, True)))
    write("acpi", "bios-rom-scan", bytes([FLAG_BIOS | FLAG_FIX_SUMS]) +
          chunk(0xF5A40, rsdp(0, base)) + chunk(base, acpi_tables(base, False)))
    # A 2.0 RSDP high in the ROM area, two slots before its end.
    write("acpi", "bios-rom-scan-high", bytes([FLAG_BIOS | FLAG_FIX_SUMS]) +
          chunk(0xFFFC0, rsdp(2, base, base)) + chunk(base, acpi_tables(base, True)))
    write("acpi", "bios-ebda-scan", bytes([FLAG_BIOS | FLAG_FIX_SUMS]) +
          chunk(0x40E, struct.pack("<H", 0x9FC0)) + chunk(0x9FC00 + 0x40, rsdp(2, base, base)) +
          chunk(base, acpi_tables(base, False)))
    # AML: a QEMU-like DSDT body, \_S5 spelled with a root prefix, a long PkgLength.
    write("acpi_aml", "qemu-s5", bytes([0x10, 0x05, 0x5C, 0x00, 0x08]) + S5_AML)
    write("acpi_aml", "rooted-s5", bytes([0x08, 0x5C]) + S5_AML[1:])
    write("acpi_aml", "long-pkglength", S5_AML[:6] + bytes([0x41, 0x00, 0x02, 0x0C]) +
          struct.pack("<I", 7) + bytes([0x0B, 0x34, 0x12]) + bytes(8))


# ---- shell lines (tokenize harness: status, 8 statuses, then the line) ---

def tokenize():
    hdr = struct.pack("<i", 0) + struct.pack("<8i", *[7] * 8)
    write("tokenize", "status-and-quotes", hdr + b'echo "$?" a\\ b; x \'$?\' & y;;')
    write("tokenize", "many-status", hdr + b"x; x " + b"$?" * 100)


# ---- terminal input (lineedit harness) ---------------------------------

def lineedit():
    write("lineedit", "edit-keys", b"mem st\x1b[D\x1b[D\x7fX\x01\x05 \x1b[3~\x17ok\r")
    write("lineedit", "history-walk", b"\x1b[A\x1b[A\x1b[B\x10\x0e\x1bOH\x1b[4~\r\n")
    write("lineedit", "tab-complete", b"he\t\tm\tst\t\r")
    write("lineedit", "cursor-report", b"\x1b[24;80Recho hi\x0c\x15\x0b\x03abc\x1bb\x1bf\n")
    write("lineedit", "too-long", b"a" * 600 + b"\r")


def main():
    multiboot2()
    acpi()
    tokenize()
    lineedit()
    psf()
    return 0


if __name__ == "__main__":
    sys.exit(main())
