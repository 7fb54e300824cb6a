#!/bin/sh
# Pack a directory tree into a newc cpio archive for GRUB to load as a
# Multiboot2 module (the initramfs). Entries are sorted and owned by root,
# with device and inode numbers renumbered (cpio --reproducible); only the
# files' modes, contents and times go in.
# Usage: tools/mkinitramfs.sh ROOTDIR OUT.cpio
set -eu
root=$1
out=$2
tmp="$out.tmp"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc --owner=0:0 --reproducible) >"$tmp"
mv "$tmp" "$out"
