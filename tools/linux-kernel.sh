#!/bin/sh
# Print the path of Debian's Linux kernel image for the benchmarks' Linux
# runs, fetching it once into build/linux/: `apt-get download` of the
# package linux-image-amd64 points at, of which only ./boot is unpacked.
# Nothing is installed on the host. Usage: tools/linux-kernel.sh [DIR]
set -eu

dir=${1:-build/linux}
image() { ls "$dir"/boot/vmlinuz-* 2>/dev/null | tail -n 1; }

k=$(image)
if [ -z "$k" ]; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	if [ -z "$pkg" ]; then
		echo "linux-kernel: apt-cache knows no linux-image-amd64 (apt-get update?)" >&2
		exit 1
	fi
	mkdir -p "$dir"
	(cd "$dir" && apt-get download -q "$pkg" >&2)
	dpkg-deb --fsys-tarfile "$dir/${pkg}"_*.deb | tar -x -C "$dir" ./boot
	rm -f "$dir/${pkg}"_*.deb
	k=$(image)
fi
[ -n "$k" ] || { echo "linux-kernel: no vmlinuz in $dir/boot" >&2; exit 1; }
echo "$k"
