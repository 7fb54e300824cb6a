"""Interrupts, ACPI and time scenarios (issue 3): the `acpi`, `irq`, `date`
and `uptime` commands under SeaBIOS and OVMF, the tick on q35 and on the
i440fx `pc` machine (no MCFG), the serial receive interrupt, and ACPI power
off making QEMU exit on its own."""
import re
import time

from harness import scenario

DATE_RE = r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d) UTC"
UPTIME_RE = r"up (\d+)\.(\d{3}) s, (\d+) ticks at (\d+) Hz"


def check_acpi(out, root):
    assert f"root table {root}" in out, out
    for sig in ("FACP", "APIC", "HPET", "DSDT"):
        assert re.search(rf"^{sig} 0x[0-9a-f]{{16}} +\d+ +\d+ .* ok$", out, re.M), (sig, out)
    assert "INVALID" not in out, out
    assert re.search(r"override: ISA IRQ 0 -> GSI 2", out), out
    assert re.search(r"\\_S5 SLP_TYP \d+/\d+", out), out


def uptime(vm):
    out = vm.run("uptime")
    m = re.search(UPTIME_RE, out)
    assert m, out
    ms = int(m.group(1)) * 1000 + int(m.group(2))
    return ms, int(m.group(3)), int(m.group(4))


TICK_WAIT_S = 60     # generous: only a stopped tick takes this long


def check_uptime_ticks(vm):
    """The tick keeps running and is never faster than HZ; uptime follows
    the host's clock. How many ticks a loaded host delivers in a fixed
    window measures the host (QEMU drops ticks of a starved vCPU), so wait
    for a tenth of a second's worth of them instead."""
    outer0 = time.monotonic()
    ms0, ticks0, hz = uptime(vm)
    inner0 = time.monotonic()
    deadline = inner0 + TICK_WAIT_S
    while True:
        time.sleep(0.2)
        inner1 = time.monotonic()
        ms1, ticks1, _ = uptime(vm)
        outer1 = time.monotonic()
        if ticks1 - ticks0 >= hz // 10 or outer1 > deadline:
            break
    ticks, ms = ticks1 - ticks0, ms1 - ms0
    assert ticks >= hz // 10, f"{ticks} ticks in {ms} ms of uptime"
    # Never faster than HZ (two ticks of slack for the ragged ends).
    assert ticks <= ms * hz * 101 // 100 // 1000 + 2, f"{ticks} ticks in {ms} ms at {hz} Hz"
    # Uptime measured the time between the two commands, which lies between
    # the host's inner and outer windows: wide margins, a clock running at
    # half or twice the speed fails.
    host_in, host_out = (inner1 - inner0) * 1000, (outer1 - outer0) * 1000
    assert host_in * 0.8 <= ms <= host_out * 1.2 + 100, (ms, host_in, host_out)


def check_date(vm):
    out = vm.run("date")
    m = re.search(DATE_RE, out)
    assert m, out
    assert int(m.group(1)) >= 2024, out


def irq_count(out, name):
    m = re.search(rf"^0x[0-9a-f]{{2}} {name} +(\d+)", out, re.M)
    assert m, (name, out)
    return int(m.group(1))


def check_irq(vm):
    out = vm.run("irq")
    assert irq_count(out, "timer") > 0, out
    # Everything typed so far reached the shell through COM1's interrupt.
    assert irq_count(out, "serial") > 0, out
    assert re.search(r"^0x30 serial .* GSI 4$", out, re.M), out
    m = re.search(r"spurious: (\d+)  unhandled: (\d+)", out)
    assert m, out
    assert m.group(2) == "0", out


@scenario(uefi=False, smp=1, machine="q35", timeout=90)
def irq_time_bios_q35(vm):
    check_acpi(vm.run("acpi"), "RSDT")
    check_date(vm)
    check_uptime_ticks(vm)
    check_irq(vm)
    vm.shutdown()


@scenario(uefi=True, smp=2, machine="q35", timeout=120)
def irq_time_uefi_q35(vm):
    out = vm.run("acpi")
    check_acpi(out, "XSDT")
    assert "2 CPUs (APIC ids 0 1)" in out, out
    assert re.search(r"^MCFG: segment 0 buses 0-255", out, re.M), out
    check_date(vm)
    check_uptime_ticks(vm)
    check_irq(vm)
    out = vm.run("test acpi irq time")
    assert re.search(r"ktest: \d+ passed, 0 failed", out), out
    vm.shutdown()


@scenario(uefi=False, smp=1, machine="pc", timeout=90)
def irq_time_pc_no_mcfg(vm):
    out = vm.run("acpi")
    check_acpi(out, "RSDT")
    assert "MCFG: none" in out, out
    check_uptime_ticks(vm)
    check_irq(vm)
    out = vm.run("test irq time")
    assert re.search(r"ktest: \d+ passed, 0 failed", out), out
    vm.shutdown()
