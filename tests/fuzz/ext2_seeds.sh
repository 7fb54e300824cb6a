#!/bin/sh
# Regenerate the ext2 fuzzers' seeds (tests/fuzz/corpus/ext2_*/) from real
# images made by mke2fs -d (1, 2 and 4 KiB blocks, revision 0 and 1): the
# superblock with the group descriptors after it, inode-table blocks cut
# into inodes, and directory blocks (a linear one and an htree root).
# Usage: tests/fuzz/ext2_seeds.sh
set -eu
cd "$(dirname "$0")"
out=$(pwd)/corpus
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PATH=$PATH:/sbin:/usr/sbin
mkdir -p "$out/ext2_super" "$out/ext2_inode" "$out/ext2_dir" "$tmp/t/sub"
printf 'hello\n' >"$tmp/t/a"
ln -s a "$tmp/t/fast"
ln -s "$(printf '%0100d' 0)" "$tmp/t/slow"
i=0
while [ $i -lt 400 ]; do : >"$tmp/t/sub/entry-$i"; i=$((i + 1)); done
dd if=/dev/urandom of="$tmp/t/big" bs=1k count=300 2>/dev/null
for cfg in "1024 1" "2048 1" "4096 1" "1024 0"; do
	set -- $cfg
	bs=$1 rev=$2 img="$tmp/i.img" n="b$1r$2"
	mke2fs -q -F -b "$bs" -r "$rev" -d "$tmp/t" -E root_owner=0:0 "$img" 8M
	[ "$rev" = 1 ] && e2fsck -fyD "$img" >/dev/null 2>&1 || true
	dd if="$img" of="$out/ext2_super/$n" bs=1024 skip=1 count=2 2>/dev/null
	it=$(dumpe2fs "$img" 2>/dev/null | sed -n 's/.*Inode table at \([0-9]*\)-.*/\1/p' | head -1)
	for k in 1 11 12 13 14 15; do # root, lost+found, the files
		isz=$(dumpe2fs -h "$img" 2>/dev/null | sed -n 's/^Inode size:[ \t]*//p')
		{ printf "\\$(printf %o $((bs / 2048)))"
		  dd if="$img" bs=1 skip=$((it * bs + (k - 1) * isz)) count=128 2>/dev/null; } \
			>"$out/ext2_inode/$n-ino$k"
	done
	for d in / /sub; do
		blk=$(debugfs -R "bmap $d 0" "$img" 2>/dev/null)
		sel=$((bs / 2048))
		[ "$rev" = 0 ] && sel=$((sel + 128))
		{ printf "\\$(printf %o $sel)"
		  dd if="$img" bs="$bs" skip="$blk" count=1 2>/dev/null; } \
			>"$out/ext2_dir/$n-$(echo "$d" | tr / _)"
	done
done
