"""Misbehaving virtio devices (the hardening issue): a rate-limited
virtio-rng that answers after the driver's 1 s timeout, and the in-kernel
tests that feed a virtqueue bogus used entries. The kernel must refuse,
log and carry on; it must never hand a late or stale answer to a later
request."""
import re

from harness import scenario

HEX = re.compile(r"^[0-9a-f]+$")

# QEMU's rate limit (hw/virtio/virtio-rng.c) grants max-bytes per period;
# the period's timer starts at the first request after a refill. So with
# 64 bytes per 2.5 s: the first `rng 64` drains the quota, the second
# times out (1 s) and the device answers it later, at 2.5 s, with that
# period's whole quota. The next `rng 8` then has nothing left to be
# answered with until its own period ends: it must time out too, not take
# the stale used entry of the abandoned request (which used to return the
# contents of a freed chunk). Its own abandoned request is answered from
# the next refill, and the request after that gets fresh bytes.
@scenario(uefi=False, smp=1, mem="512M", timeout=90,
          extra="-device virtio-rng-pci,max-bytes=64,period=2500")
def virtio_rng_late_answer_is_discarded(vm):
    # devfs seeds /dev/random from the rng at boot, which takes part of
    # the first period's quota: wait for the refill, so the first `rng 64`
    # below starts a period of its own with all 64 bytes.
    vm.run("sleep 3000")
    first = vm.run("rng 64").strip().replace("\n", "")
    assert HEX.match(first) and len(first) == 128, first
    out = vm.run("rng 64")
    assert "rng: device error" in out, out
    vm.run("sleep 3000")
    out = vm.run("rng 8")
    assert "rng: device error" in out, "a stale answer was taken: " + out
    vm.run("sleep 3000")
    out = vm.run("rng 8").strip()
    assert HEX.match(out) and len(out) == 16, out
    assert "late answer" in vm.text(), vm.text()
    out = vm.run("test kmalloc")
    assert re.search(r"ktest: \d+ passed, 0 failed", out), out
    vm.shutdown()


@scenario(uefi=False, smp=2, mem="512M", virtio=True, disk=64)
def virtio_bogus_device_values_ktests(vm):
    out = vm.run("test virtq virtio_", timeout=120)
    assert re.search(r"ktest: [1-9]\d* passed, 0 failed", out), out
    out = vm.run("rng 16").strip()
    assert HEX.match(out), out
    vm.shutdown()


# A disk that reads at 1 byte/s (QEMU's throttling): a 512-byte read is
# not answered within the block layer's time-out (4 s here, blk_timeout=;
# the first request is the boot's filesystem probe). The driver must stop the
# device (a reset) before the error is returned, so the buffer-cache
# buffer the read was for can be reused safely; the disk is then out of
# service and the next request fails at once instead of waiting again.
@scenario(uefi=False, smp=2, mem="512M", timeout=150, cmdline="blk_timeout=4",
          extra="-drive driver=null-co,size=1048576,read-zeroes=on,if=none,id=slow,"
                "throttling.bps-read=1 "
                "-device virtio-blk-pci,drive=slow,serial=corvid-slow")
def virtio_blk_timeout_resets_device(vm):
    assert "after 4 s" in vm.run("blk timeout")
    assert "not a number of seconds" in vm.run("blk timeout 0")
    out = vm.run("blk", timeout=30)
    m = re.search(r"^(vd[a-z])\s.*corvid-slow", out, re.M)
    assert m, out
    out = vm.run(f"blk read {m.group(1)} 8", timeout=60)
    assert "I/O error" in out, out
    out = vm.run(f"blk read {m.group(1)} 16", timeout=5)
    assert "I/O error" in out, out
    assert "reset" in vm.text(), vm.text()
    out = vm.run("test kmalloc")
    assert re.search(r"ktest: \d+ passed, 0 failed", out), out
    vm.shutdown()
