#!/bin/sh
# Check that every Debian package the build, run and test steps need is
# installed. As root, install the missing ones (apt-get update once, then
# apt-get install -y). Otherwise print the exact command to run and fail.
# clang and libclang-rt-14-dev (libFuzzer, libclang_rt.fuzzer-x86_64.a) build
# the fuzz harnesses of tests/fuzz; cpio packs test archives; tmux gives the
# hang-up test (tests/qemu/hangup.py) a terminal to close; e2fsprogs and
# dosfstools are the filesystem oracles; musl-tools builds user programs;
# busybox-static is the initramfs's shell and tools (tools/busybox-install.sh).
# (make bench fetches Debian's Linux kernel itself: tools/linux-kernel.sh.)
# Usage: tools/deps.sh            (quiet when nothing is missing)
set -eu

PKGS="gcc binutils make grub-pc-bin grub-efi-amd64-bin grub-common xorriso \
mtools qemu-system-x86 ovmf gdb python3 clang-format cppcheck console-setup-linux \
clang libclang-rt-14-dev cpio tmux e2fsprogs dosfstools musl-tools busybox-static"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
