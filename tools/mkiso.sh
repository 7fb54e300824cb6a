#!/bin/sh
# Build a hybrid BIOS/UEFI ISO that boots KERNEL.elf through GRUB with the
# given kernel command line. ISOs are cached by the hash of the kernel and
# the command line, so test scenarios with different CMDLINEs share work.
# INITRD, when given, is loaded by GRUB as a Multiboot2 module named
# "initramfs" (tools/mkinitramfs.sh makes it from rootfs/).
# Usage: tools/mkiso.sh KERNEL.elf OUTDIR [CMDLINE [INITRD]]   (prints the ISO path)
set -eu

elf=$1
outdir=$2
cmdline=${3:-}
initrd=${4:-}

key=$( (sha1sum <"$elf"; sha1sum <"$0"; printf "%s" "$cmdline"
	[ -z "$initrd" ] || sha1sum <"$initrd") | sha1sum | cut -c1-16)
iso="$outdir/corvid-$key.iso"
if [ -f "$iso" ]; then
	echo "$iso"
	exit 0
fi
# Concurrent builds of the same image (parallel test runs) wait for each other.
exec 9>"$iso.lock"
flock 9
if [ -f "$iso" ]; then
	echo "$iso"
	exit 0
fi

# GRUB joins the multiboot2 arguments with spaces and double-quotes any that
# contain one (and backslash-escapes quotes), so shell-split the line and pass
# each word of the command line as its own argument,
# single-quoted for grub.cfg (which would otherwise split at ';').
args=$(python3 - "$cmdline" <<'PY'
import shlex, sys
try:
    lex = shlex.shlex(sys.argv[1], posix=True, punctuation_chars=";")
    lex.whitespace_split = True
    words = list(lex)   # GRUB re-quotes words with spaces
except ValueError:
    words = sys.argv[1].split()
print(" ".join("'" + w.replace("'", "'\\''") + "'" for w in words))
PY
)

tmp=$(mktemp -d "$outdir/isotree.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/boot/grub"
# Without its debug sections and symbol table: GRUB's Multiboot2 loader
# reads every section that is not loaded too (for the ELF-sections tag,
# which Corvid does not use; it has its own symbols, kernel/ksyms), and
# those were 3 of the release ELF's 3.7 MB: about 0.2 s of a BIOS boot
# under TCG. GDB reads the unstripped ELF (same addresses).
objcopy --strip-all "$elf" "$tmp/boot/corvid.elf"
module=""
if [ -n "$initrd" ]; then
	cp "$initrd" "$tmp/boot/initramfs.cpio"
	module="module2 /boot/initramfs.cpio initramfs"
fi
cat >"$tmp/boot/grub/grub.cfg" <<CFG
set timeout=0
set timeout_style=hidden
# Only the video driver multiboot2 needs for its framebuffer: loading all of
# them costs a noticeable part of a UEFI boot.
if [ "\$grub_platform" = efi ]; then insmod efi_gop; else insmod vbe; fi
menuentry "Corvid" {
	multiboot2 /boot/corvid.elf $args
	$module
	boot
}
CFG
grub-mkrescue -o "$iso.tmp" "$tmp" >/dev/null 2>&1 || {
	echo "mkiso: grub-mkrescue failed" >&2
	grub-mkrescue -o "$iso.tmp" "$tmp" >&2
	exit 1
}
mv "$iso.tmp" "$iso"
rm -f "$iso.lock"
echo "$iso"
