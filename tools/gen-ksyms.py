#!/usr/bin/env python3
"""Generate the kernel's embedded symbol table (core/ksyms.c reads it).

Usage: gen-ksyms.py [KERNEL.elf] > ksyms.S
Without an ELF it emits an empty table (the first link pass). With one it
lists every text symbol (nm types T, t, W) sorted by address. The table
lives in .ksyms, which the linker script places after all text, so the
second link does not move any function.
"""
import subprocess
import sys


def text_symbols(elf):
    out = subprocess.run(["nm", "-n", "--defined-only", elf], check=True,
                         capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[1] not in "TtWw":
            continue
        addr, name = int(parts[0], 16), parts[2]
        if addr < 0xffffffff80000000 or name.startswith(".L"):
            continue
        syms.append((addr, name))
    syms.sort()
    return syms


def main():
    syms = text_symbols(sys.argv[1]) if len(sys.argv) > 1 else []
    print('\t.section .ksyms, "a"')
    print("\t.balign 8")
    print("\t.globl ksyms_count, ksyms_addrs, ksyms_name_offsets, ksyms_names")
    print(f"ksyms_count:\n\t.quad {len(syms)}")
    print("ksyms_addrs:")
    for addr, _ in syms:
        print(f"\t.quad {addr:#x}")
    print("ksyms_name_offsets:")
    off = 0
    for _, name in syms:
        print(f"\t.long {off}")
        off += len(name) + 1
    print("ksyms_names:")
    for _, name in syms:
        print(f'\t.asciz "{name}"')
    print("\t.byte 0")


if __name__ == "__main__":
    main()
