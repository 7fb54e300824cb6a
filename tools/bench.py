#!/usr/bin/env python3
"""make bench: Corvid's performance numbers as "METRIC name value unit" lines.

Boots the release kernel several times under BIOS and under UEFI, timing
QEMU start to the first shell prompt on the host (median of the runs), then
boots once with CMDLINE='bench' (with `make run`'s virtio devices and a
scratch disk for the block benchmarks) and passes on every METRIC line the kernel's
own benchmarks print. Nothing here passes or fails: it measures.
"""
import argparse
import os
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
                disks=[fat], cmdline="bench " + " ".join(names))
    try:
        vm = harness.VM("bench-kernel", opts, elf, logdir)  # it copies the image
    finally:
        os.unlink(fat)
    try:
        vm.wait_prompt()
        return [line for line in vm.text().splitlines() if line.startswith("METRIC ")]
    finally:
        vm.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--elf", default="build/release/corvid.elf")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("names", nargs="*", help="kernel benchmarks to run (default all)")
    args = ap.parse_args()
    elf = os.path.abspath(args.elf)
    logdir = os.path.join(harness.ROOT, "build", "bench-logs")
    os.makedirs(logdir, exist_ok=True)

    # Build the ISO once so the first timed boot does not include it.
    harness.build_iso(elf, "")
    bios = [boot_to_prompt(elf, False, logdir) for _ in range(args.runs)]
    print(f"METRIC boot_bios_qemu_start_to_prompt_ms {statistics.median(bios) * 1000:.0f} ms",
          flush=True)
    uefi = [boot_to_prompt(elf, True, logdir) for _ in range(max(1, args.runs // 2))]
    print(f"METRIC boot_uefi_qemu_start_to_prompt_ms {statistics.median(uefi) * 1000:.0f} ms",
          flush=True)
    for line in kernel_metrics(elf, logdir, args.names):
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
