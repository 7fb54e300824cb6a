#!/bin/bash
# Start QEMU for Corvid. Every option comes from the environment (the make
# variables of the same names):
#   ISO (required)  UEFI=on|off  GRAPHICS=on|off  SMP=N  MEM=SIZE
#   ACCEL=auto|tcg|kvm  MACHINE=q35|pc  GDB=no|wait|port:N  RUN_QEMU_GDB=yes|no
#   VIRTIO=on|off (virtio-rng, and the ISO as a read-only virtio-blk disk)
#   DISK=path (a scratch disk image attached as another virtio-blk disk)
#   DISKS="a.img b.img" (more disk images, attached after DISK in order)
#   QEMU_EXTRA='more args'  VARS=path to a writable OVMF vars copy
# Serial is on stdio. Prints the command line on stderr when VERBOSE=1.
set -euo pipefail

: "${ISO:?ISO must name the image to boot}"
UEFI=${UEFI:-on}
GRAPHICS=${GRAPHICS:-off}
SMP=${SMP:-4}
MEM=${MEM:-2G}
ACCEL=${ACCEL:-auto}
MACHINE=${MACHINE:-q35}
VIRTIO=${VIRTIO:-on}
DISK=${DISK:-}
DISKS=${DISKS:-}
GDB=${GDB:-no}
RUN_QEMU_GDB=${RUN_QEMU_GDB:-no}
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}

# KVM only when it is usable and the CPU really virtualizes (vmx/svm);
# nested software KVM is slower than TCG.
accel() {
	case "$ACCEL" in
	kvm) echo "-accel kvm -cpu host" ;;
	tcg) echo "-accel tcg,thread=multi -cpu max" ;;
	# One TCG thread, the clock driven by the instruction count (1 ns per
	# guest instruction): timings count instructions, whatever the host's
	# load, for comparing two versions of the code (make bench ACCEL=icount).
	icount) echo "-accel tcg,thread=single -cpu max -icount shift=0,sleep=off" ;;
	auto)
		if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
			echo "-accel kvm -cpu host"
		else
			echo "-accel tcg,thread=multi -cpu max"
		fi ;;
	*) echo "qemu.sh: ACCEL must be auto, tcg, icount or kvm" >&2; exit 2 ;;
	esac
}

read -r -a acc <<<"$(accel)"
# QEMU before 8.1 drops the guest's memory barriers under TCG when the
# machine can have only one CPU (commit c914d46d0a, "tcg: Do not elide
# memory barriers for !CF_PARALLEL in system mode"), which breaks the
# ordering virtio relies on between the vCPU and QEMU's I/O thread: kicks
# and interrupts get lost. Allowing a second, absent CPU keeps them.
smp=$SMP
if [ "$SMP" = 1 ] && [ "${acc[1]}" != kvm ]; then
	smp="1,maxcpus=2"
fi
args=(-M "$MACHINE" -smp "$smp" -m "$MEM" -nic none -no-user-config)
args+=("${acc[@]}")
args+=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
args+=(-drive "file=$ISO,media=cdrom,if=none,id=cd,readonly=on,format=raw")
args+=(-device "ide-cd,drive=cd,bootindex=0")

# Corvid's own devices: vda is the ISO (read-only), vdb the scratch disk.
case "$VIRTIO" in
on)
	args+=(-device virtio-rng-pci)
	args+=(-drive "file=$ISO,if=none,id=vdiso,readonly=on,format=raw")
	args+=(-device "virtio-blk-pci,drive=vdiso,serial=corvid-iso")
	if [ -n "$DISK" ]; then
		args+=(-drive "file=$DISK,if=none,id=vdscratch,format=raw,cache=writeback")
		args+=(-device "virtio-blk-pci,drive=vdscratch,serial=corvid-scratch")
	fi
	n=0
	for d in ${DISKS:-}; do
		n=$((n + 1))
		args+=(-drive "file=$d,if=none,id=vdextra$n,format=raw,cache=writeback")
		args+=(-device "virtio-blk-pci,drive=vdextra$n,serial=corvid-disk$n")
	done ;;
off) ;;
*) echo "qemu.sh: VIRTIO must be on or off" >&2; exit 2 ;;
esac

if [ "$UEFI" = on ]; then
	vars=${VARS:-$(dirname "$ISO")/OVMF_VARS.$$.fd}
	[ -f "$vars" ] || cp "$OVMF_VARS" "$vars"
	[ -n "${VARS:-}" ] || trap 'rm -f "$vars"' EXIT
	args+=(-drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE")
	args+=(-drive "if=pflash,format=raw,file=$vars")
elif [ "$UEFI" != off ]; then
	echo "qemu.sh: UEFI must be on or off" >&2; exit 2
fi

case "$GRAPHICS" in
off) args+=(-nographic) ;;
on) args+=(-serial stdio -monitor vc) ;;
*) echo "qemu.sh: GRAPHICS must be on or off" >&2; exit 2 ;;
esac

case "$GDB" in
no) ;;
wait) args+=(-s -S) ;;
port:*) args+=(-gdb "tcp:127.0.0.1:${GDB#port:}" -S) ;;
*) echo "qemu.sh: GDB must be no, wait or port:N" >&2; exit 2 ;;
esac

# shellcheck disable=SC2206
[ -n "${QEMU_EXTRA:-}" ] && args+=($QEMU_EXTRA)

[ "${VERBOSE:-0}" = 1 ] && echo "qemu-system-x86_64 ${args[*]}" >&2
if [ "$RUN_QEMU_GDB" = yes ]; then
	exec gdb -q --args qemu-system-x86_64 "${args[@]}"
fi
# Not on a terminal (the test harness), with nothing to clean up: become
# QEMU, so whoever started us can stop QEMU by our PID.
if ! [ -t 0 ] && { [ -n "${VARS:-}" ] || [ "$UEFI" = off ]; }; then
	exec qemu-system-x86_64 "${args[@]}"
fi

# Otherwise QEMU runs as our child and we stay to end it with the terminal.
# Closing a terminal sends SIGHUP only to the session's first process:
# when that is make (`make run` as a terminal's command), nobody passes the
# hangup on, and -nographic's raw mode makes ^C a byte rather than a
# signal. So: forward HUP/TERM/INT to QEMU, and once a second check that
# our terminal still exists (a hung-up tty is no longer a tty); the EXIT
# trap then removes the vars copy.
[ -t 0 ] && echo "qemu.sh: Ctrl-A X quits QEMU (Ctrl-A H lists the other keys)" >&2
qemu-system-x86_64 "${args[@]}" <&0 &
qemu=$!
stop_qemu() {
	kill "-$1" "$qemu" 2>/dev/null || true
}
trap 'stop_qemu HUP' HUP
trap 'stop_qemu TERM' TERM
trap 'stop_qemu INT' INT
on_tty=no
[ -t 0 ] && on_tty=yes
while kill -0 "$qemu" 2>/dev/null; do
	if [ "$on_tty" = yes ] && ! [ -t 0 ]; then
		on_tty=no
		stop_qemu HUP
	fi
	sleep 1 &
	wait $! || true # returns early when a trapped signal arrives
done
status=0
wait "$qemu" || status=$?
exit "$status"
