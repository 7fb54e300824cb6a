#!/bin/sh
# Install Debian's busybox-static (BUSYBOX, /bin/busybox) unmodified into
# the initramfs tree ROOT as /bin/busybox, with a symbolic link for each
# applet where `busybox --list-full` says it lives (bin/sh, usr/bin/wc,
# sbin/poweroff, ...), as Debian's busybox package would. Files already in
# ROOT (Corvid's own programs) are left alone. Refuses a dynamically linked
# busybox: the initramfs has no shared libraries.
# Usage: tools/busybox-install.sh BUSYBOX ROOT
set -eu
bb=$1
root=$2
if readelf -l "$bb" 2>/dev/null | grep -q INTERP; then
	echo "busybox-install: $bb is dynamically linked; install busybox-static" >&2
	exit 1
fi
mkdir -p "$root/bin"
cp "$bb" "$root/bin/busybox"
"$bb" --list-full | while read -r applet; do
	case $applet in
	bin/busybox | linuxrc) continue ;;
	esac
	[ -e "$root/$applet" ] && continue
	mkdir -p "$root/$(dirname "$applet")"
	ln -s /bin/busybox "$root/$applet"
done
