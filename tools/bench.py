#!/usr/bin/env python3
"""make bench: Corvid's performance numbers as "METRIC name value unit" lines.

Boots the release kernel several times under BIOS and under UEFI, timing
QEMU start to the first shell prompt on the host (median of the runs), then
boots once with CMDLINE='bench' (with `make run`'s virtio devices and a
scratch disk for the block benchmarks) and passes on every METRIC line the kernel's
own benchmarks print. Then it boots Debian's Linux (--linux-kernel: the image
tools/linux-kernel.sh fetches, without installing anything) in the same QEMU
with user/bench/fsbench as /init,
prints its lines as METRIC linux_<name>, and for each metric both have a line
METRIC <name>_speedup_vs_linux X x: above 1, Corvid is faster. Linux's
figures go through system calls and Corvid's (for now, in-kernel) do not,
so for per-call times the speed-up is taken against Linux's time less its
trivial system call (getppid).

The user-mode side: user/bench/ubench (getppid, fork+exit+wait,
fork+execve+wait, 64 MiB mmap+touch+munmap, page faults) runs from
Corvid's shell (`exec /bin/ubench`) and as Linux's /init in a second
Linux boot; its lines are ubench_* and linux_ubench_*, and for each of
getppid, fork_exit_wait, fork_execve_wait and execve a line
METRIC ubench_<name>_ratio_vs_linux X x gives Corvid's time / Linux's
(below 1, Corvid is faster; issue 16's targets are 0.7, 0.5 and 0.5).
The same binary also runs natively on the host (host_ubench_*: the
machine itself, not emulated, for reference only).
With 5 runs each, QEMU start to the BusyBox prompt (init=/bin/init) is
timed against QEMU start to the first line Linux's /init prints (a BusyBox
sh script in Linux's initramfs, which also holds /bin/busybox with its sh
and true links for ubench_sh_1000_true): boot_busybox_ratio_vs_linux.
Nothing here passes or fails: it measures.
"""
import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                "tests", "qemu"))
import harness  # noqa: E402


def boot_to_prompt(elf, uefi, logdir):
    opts = dict(harness.DEFAULTS, uefi=uefi, smp=4, mem="2G", timeout=120, virtio=True,
                disk=64)
    start = time.monotonic()
    vm = harness.VM("bench-boot-" + ("uefi" if uefi else "bios"), opts, elf, logdir)
    try:
        vm.wait_prompt()
        return time.monotonic() - start
    finally:
        vm.kill()


BB_PROMPT = r"corvid:[^\n]*# $"


def boot_to_busybox(elf, logdir):
    """Seconds from QEMU start to BusyBox sh's prompt under init=/bin/init."""
    opts = dict(harness.DEFAULTS, smp=LINUX_SMP, mem=LINUX_MEM, timeout=120,
                cmdline="init=/bin/init", wait_prompt=False)
    start = time.monotonic()
    vm = harness.VM("bench-boot-busybox", opts, elf, logdir)
    try:
        vm.expect(BB_PROMPT, timeout=120)
        return time.monotonic() - start
    finally:
        vm.kill()


def ext2_image(logdir):
    """A blank 4 KiB-block ext2 disk for the ext2 benchmarks (corvid-disk1)."""
    path = os.path.join(logdir, "bench-ext2.img")
    if os.path.exists(path):
        os.unlink(path)
    subprocess.run(["mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", "-N", "16384", path,
                    "160M"], check=True, env=dict(os.environ, PATH=os.environ["PATH"] +
                                                  ":/sbin:/usr/sbin"))
    return path


def fat32_bench_image():
    """A blank sparse FAT32 volume for BENCH(fat32) (kernel/fs/fat/fat_bench.c)."""
    fd, path = tempfile.mkstemp(prefix="fatbench-", suffix=".img")
    os.close(fd)
    os.truncate(path, 512 << 20)
    subprocess.run(["mkfs.fat", "-F", "32", "-s", "8", "-n", "CORVIDBNCH", path], check=True,
                   stdout=subprocess.DEVNULL)
    return path


def kernel_metrics(elf, logdir, names):
    fat = fat32_bench_image()
    opts = dict(harness.DEFAULTS, smp=4, mem="2G", timeout=600, virtio=True, disk=160,
                disks=[ext2_image(logdir), fat], cmdline="bench " + " ".join(names))
    try:
        vm = harness.VM("bench-kernel", opts, elf, logdir)  # it copies the images
    finally:
        os.unlink(fat)
    try:
        vm.wait_prompt()
        return [line for line in vm.text().splitlines() if line.startswith("METRIC ")]
    finally:
        vm.kill()


LINUX_SMP, LINUX_MEM = 4, "2G"   # as kernel_metrics


def newc_archive(files):
    """A newc cpio archive of (name, mode, data, (rdev major, minor)) entries."""
    out = bytearray()
    for ino, (name, mode, data, rdev) in enumerate(files + [("TRAILER!!!", 0, b"", (0, 0))], 1):
        nb = name.encode() + b"\0"
        fields = (ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(nb), 0)
        out += ("070701" + "".join("%08x" % v for v in fields)).encode() + nb
        out += b"\0" * (-len(out) % 4) + data
        out += b"\0" * (-len(out) % 4)
    return bytes(out)


def user_metrics(elf, logdir, ubench):
    """Corvid's ubench lines: `exec /bin/ubench` from the shell of a plain boot."""
    opts = dict(harness.DEFAULTS, smp=LINUX_SMP, mem=LINUX_MEM, timeout=600)
    vm = harness.VM("bench-ubench", opts, elf, logdir)
    try:
        vm.wait_prompt()
        out = vm.run("exec /bin/" + os.path.basename(ubench), timeout=540)
        return [line for line in out.splitlines() if line.startswith("METRIC ")]
    finally:
        vm.kill()


def host_metrics(program):
    """The same static binary run directly on the host's Linux (natively,
    not emulated: for reference only, never a ratio)."""
    try:
        out = subprocess.run([os.path.abspath(program)], capture_output=True, text=True,
                             timeout=300, cwd=tempfile.gettempdir()).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        print(f"bench: {program} on the host: {e}", file=sys.stderr)
        return []
    return [line for line in out.splitlines() if line.startswith("METRIC ")]


UBENCH_RATIOS = ("getppid", "fork_exit_wait", "fork_execve_wait", "execve", "pipe_pingpong",
                 "pipe_pingpong_1cpu", "pipe_pingpong_2cpu", "sh_1000_true")


def ubench_ratios(corvid, linux):
    """METRIC ubench_<name>_ratio_vs_linux lines: Corvid's time / Linux's."""
    lines = []
    for name in UBENCH_RATIOS:
        key = "ubench_" + name
        if key in corvid and key in linux and linux[key][0] > 0:
            ratio = corvid[key][0] / linux[key][0]
            lines.append(f"METRIC {key}_ratio_vs_linux {ratio:.2f} x")
    return lines


HOST_BUSYBOX = "/bin/busybox"  # Debian's busybox-static, as in Corvid's initramfs


def busybox_files():
    """/bin/busybox with its sh and true links, for Linux's initramfs (none
    when the host has no static BusyBox)."""
    try:
        with open(HOST_BUSYBOX, "rb") as f:
            bb = f.read()
    except OSError:
        return []
    return [("bin", 0o40755, b"", (0, 0)), ("bin/busybox", 0o100755, bb, (0, 0)),
            ("bin/sh", 0o120777, b"busybox", (0, 0)), ("bin/true", 0o120777, b"busybox", (0, 0))]


def linux_initramfs(path, init):
    with open(path, "wb") as f:
        f.write(newc_archive([("dev", 0o40755, b"", (0, 0)),
                              ("dev/console", 0o20600, b"", (5, 1)),
                              ("dev/null", 0o20666, b"", (1, 3)),
                              ("init", 0o100755, init, (0, 0))] + busybox_files()))


def linux_cmd(kernel, cpio):
    return ["qemu-system-x86_64", "-M", "q35", "-smp", str(LINUX_SMP), "-m", LINUX_MEM,
            "-accel", "tcg", "-nographic", "-no-reboot", "-nic", "none", "-kernel", kernel,
            "-initrd", cpio, "-append", "console=ttyS0 quiet panic=-1"]


LINUX_INIT_LINE = b"bench: Linux /init runs"


def linux_boot_to_init(kernel, logdir):
    """Seconds from QEMU start to the first line of Linux's /init (a BusyBox
    sh script, then powered off), or None without a kernel or BusyBox."""
    if not kernel or not os.path.exists(kernel) or not busybox_files():
        return None
    cpio = os.path.join(logdir, "linux-boot.cpio")
    linux_initramfs(cpio, b"#!/bin/sh\necho '" + LINUX_INIT_LINE +
                    b"'\nexec /bin/busybox poweroff -f\n")
    start = time.monotonic()
    proc = subprocess.Popen(linux_cmd(kernel, cpio), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    seen, took = b"", None
    try:
        while took is None:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            seen += chunk
            if LINUX_INIT_LINE in seen:
                took = time.monotonic() - start
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    return took


def linux_metrics(kernel, program, logdir):
    """Boot Linux @kernel with @program as /init; its METRIC lines, or [] with a note."""
    name = os.path.basename(program)
    if not kernel or not os.path.exists(kernel) or not os.path.exists(program):
        print(f"bench: no Linux kernel or no {name}: Linux comparison skipped", file=sys.stderr)
        return []
    with open(program, "rb") as f:
        init = f.read()
    cpio = os.path.join(logdir, f"linux-{name}.cpio")
    linux_initramfs(cpio, init)
    proc = subprocess.Popen(linux_cmd(kernel, cpio), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=600)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    text = out.decode(errors="replace")
    with open(os.path.join(logdir, f"linux-{name}.log"), "w") as f:
        f.write(text)
    return [l[l.index("METRIC "):] for l in text.splitlines() if "METRIC " in l]


def parse(lines):
    """{name: (value, unit)} of METRIC lines."""
    out = {}
    for line in lines:
        parts = line.split()
        if len(parts) == 4:
            try:
                out[parts[1]] = (float(parts[2]), parts[3])
            except ValueError:
                pass
    return out


def comparisons(corvid, linux):
    """METRIC <name>_speedup_vs_linux lines for every metric both have."""
    syscall = linux.get("syscall_getppid", (0.0, "ns"))[0]
    lines = []
    for name, (value, unit) in sorted(corvid.items()):
        if name not in linux or not value or not linux[name][0]:
            continue
        other = linux[name][0]
        if unit in ("ns", "us", "ms"):   # times: smaller is better
            if unit == "ns":
                other = max(other - syscall, 1.0)
            speedup = other / value
        else:                            # rates: larger is better
            speedup = value / other
        lines.append(f"METRIC {name}_speedup_vs_linux {speedup:.2f} x")
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--elf", default="build/release/corvid.elf")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--fsbench", default="build/user/fsbench",
                    help="the static user/bench/fsbench binary Linux runs as /init")
    ap.add_argument("--ubench", default="build/user/ubench",
                    help="the static user/bench/ubench binary (Corvid's /bin/ubench; Linux's /init)")
    ap.add_argument("--linux-kernel", help="a Linux bzImage to compare with (none: skipped)")
    ap.add_argument("--linux-only", action="store_true",
                    help="only the Linux run (make bench-linux)")
    ap.add_argument("names", nargs="*",
                    help="kernel benchmarks to run, \"ubench\" for the user-mode one, \"boot\" "
                    "for BusyBox's boot against Linux's (default all)")
    args = ap.parse_args()
    elf = os.path.abspath(args.elf)
    logdir = os.path.join(harness.ROOT, "build", "bench-logs")
    os.makedirs(logdir, exist_ok=True)
    if args.linux_only:
        for program in (args.fsbench, args.ubench):
            for line in linux_metrics(args.linux_kernel, program, logdir):
                print(line.replace("METRIC ", "METRIC linux_", 1), flush=True)
        return 0

    # Build the ISO once so the first timed boot does not include it.
    harness.build_iso(elf, "")
    names = [n for n in args.names if n not in ("ubench", "boot")]
    want_user = not args.names or "ubench" in args.names
    corvid = []
    if names or not args.names:
        bios = [boot_to_prompt(elf, False, logdir) for _ in range(args.runs)]
        print(f"METRIC boot_bios_qemu_start_to_prompt_ms {statistics.median(bios) * 1000:.0f} ms",
              flush=True)
        uefi = [boot_to_prompt(elf, True, logdir) for _ in range(max(1, args.runs // 2))]
        print(f"METRIC boot_uefi_qemu_start_to_prompt_ms {statistics.median(uefi) * 1000:.0f} ms",
              flush=True)
        corvid = kernel_metrics(elf, logdir, names)
        for line in corvid:
            print(line, flush=True)
    if "boot" in args.names or not args.names:
        bb = [boot_to_busybox(elf, logdir) for _ in range(args.runs)]
        print(f"METRIC boot_busybox_qemu_start_to_prompt_ms {statistics.median(bb) * 1000:.0f} ms",
              flush=True)
        lin = [linux_boot_to_init(args.linux_kernel, logdir) for _ in range(args.runs)]
        if None not in lin:
            lin_ms = statistics.median(lin) * 1000
            print(f"METRIC linux_boot_qemu_start_to_init_ms {lin_ms:.0f} ms", flush=True)
            print(f"METRIC boot_busybox_ratio_vs_linux "
                  f"{statistics.median(bb) * 1000 / lin_ms:.2f} x", flush=True)
    if want_user:
        ucorvid = user_metrics(elf, logdir, args.ubench)
        for line in ucorvid:
            print(line, flush=True)
        ulinux = linux_metrics(args.linux_kernel, args.ubench, logdir)
        for line in ulinux:
            print(line.replace("METRIC ", "METRIC linux_", 1), flush=True)
        for line in ubench_ratios(parse(ucorvid), parse(ulinux)):
            print(line, flush=True)
        for line in host_metrics(args.ubench):
            print(line.replace("METRIC ", "METRIC host_", 1), flush=True)
    if args.names and not any(n.startswith("fs") for n in names):
        return 0
    linux = linux_metrics(args.linux_kernel, args.fsbench, logdir)
    for line in linux:
        print(line.replace("METRIC ", "METRIC linux_", 1), flush=True)
    for line in comparisons(parse(corvid), parse(linux)):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
