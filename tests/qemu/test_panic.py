"""Panic with every CPU busy: the panicking CPU stops the others with an
NMI before it prints, so the report is not interleaved with their output
and nothing runs after it. `panic --busy` starts a task on every CPU that
prints without pause, waits until each has printed, then panics; the
report must say that all other CPUs acknowledged the stop, and no busy
line may follow the report's first line."""
import re
import time

from harness import scenario

QUIET_AFTER_S = 2.0  # how long the halted machine must stay silent


def check_busy_panic(vm, ncpu):
    vm.send("panic --busy smp panic test\r")
    vm.expect(r"KERNEL PANIC: smp panic test", timeout=60)
    m = vm.expect(r"other CPUs: (\d+) of (\d+) stopped", timeout=20)
    assert m.group(1) == m.group(2) == str(ncpu - 1), m.group(0)
    vm.expect(r"end of kernel panic report", timeout=20)
    time.sleep(QUIET_AFTER_S)   # a negative check: anything printed later?
    text = vm.text()
    report = text[text.index("KERNEL PANIC: smp panic test"):]
    assert "panic-busy" not in report, report[-3000:]
    tail = report[report.index("end of kernel panic report"):]
    assert tail.count("\n") <= 1 and len(tail) < 80, tail
    for cpu in range(ncpu):     # every CPU's task did run before
        assert f"panic-busy: cpu{cpu} line" in text, cpu


@scenario(uefi=False, smp=4, timeout=120)
def panic_stops_other_cpus_smp4(vm):
    check_busy_panic(vm, 4)


@scenario(uefi=False, smp=2, timeout=120)
def panic_stops_other_cpus_smp2(vm):
    check_busy_panic(vm, 2)


@scenario(uefi=False, smp=4, timeout=120)
def panic_race_one_report_smp4(vm):
    # Every CPU panics at once: exactly one reports, the others halt as
    # stopped CPUs (and are counted as such).
    vm.send("panic --race racing panic\r")
    m = vm.expect(r"other CPUs: (\d+) of (\d+) stopped", timeout=60)
    assert m.group(1) == m.group(2) == "3", m.group(0)
    vm.expect(r"end of kernel panic report", timeout=20)
    time.sleep(QUIET_AFTER_S)
    text = vm.text()
    assert len(re.findall(r"KERNEL PANIC:", text)) == 1, text[-3000:]
    assert "nested panic" not in text, text[-3000:]
    report = text[text.index("KERNEL PANIC:"):]
    assert "panic-busy" not in report, report[-3000:]
