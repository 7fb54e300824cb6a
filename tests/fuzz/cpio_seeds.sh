#!/bin/sh
# Regenerate the cpio fuzzer's seeds (tests/fuzz/corpus/cpio/) with the real
# GNU cpio: a small tree in newc, the same in crc, and a hard-link group.
# Reproducible: fixed mtimes, owners, inode numbers and device numbers.
# Usage: tests/fuzz/cpio_seeds.sh
set -eu
cd "$(dirname "$0")"
out=$(pwd)/corpus/cpio
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/t/d" "$tmp/l"
printf 'hello\n' >"$tmp/t/a"
printf 'abc' >"$tmp/t/d/b"
ln -s ../a "$tmp/t/d/s"
printf 'shared data\n' >"$tmp/l/x"
ln "$tmp/l/x" "$tmp/l/y"
ln "$tmp/l/x" "$tmp/l/z"
find "$tmp" -exec touch -h -d @1700000000 {} +
pack() { # dir format output
	(cd "$1" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
		cpio -o -H "$2" --quiet --owner=0:0 --renumber-inodes --ignore-devno \
			--reproducible >"$out/$3")
}
pack "$tmp/t" newc tree-newc.cpio
pack "$tmp/t" crc tree-crc.cpio
pack "$tmp/l" newc hardlinks-newc.cpio
