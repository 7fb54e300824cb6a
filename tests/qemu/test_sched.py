"""Tasks and scheduling scenarios (issue 5): `ps` lists the kmain task and
one idle task per CPU, a background job shows up in `ps` while it runs and
is gone after, and `sleep` sleeps (other tasks keep running meanwhile)."""
import re
import time

from harness import scenario

PS_ROW = re.compile(r"^\s*(\d+)\s+(\S+)\s+(running|ready|blocked|sleeping|exited)\s+(\d+)\s+[\d.]+$",
                    re.M)


def ps(vm):
    out = vm.run("ps")
    rows = [(int(m.group(1)), m.group(2), m.group(3), int(m.group(4)))
            for m in PS_ROW.finditer(out)]
    cpus = re.findall(r"^cpu(\d+): (online|offline)", out, re.M)
    return out, rows, cpus


def check_idle_per_cpu(vm, ncpu):
    out, rows, cpus = ps(vm)
    names = [r[1] for r in rows]
    assert "kmain" in names, out
    assert [c for c in cpus if c[1] == "online"] == [(str(i), "online") for i in range(ncpu)], out
    for i in range(ncpu):
        idle = [r for r in rows if r[1] == f"idle{i}"]
        assert len(idle) == 1 and idle[0][3] == i, (i, out)
    return out


@scenario(uefi=False, smp=1, mem="1G", timeout=60)
def sched_ps_smp1(vm):
    check_idle_per_cpu(vm, 1)
    vm.shutdown()


@scenario(uefi=False, smp=4, mem="1G", timeout=90)
def sched_ps_smp4(vm):
    check_idle_per_cpu(vm, 4)
    out = vm.run("prime 300000 &")
    assert re.search(r"\[\d+\] prime started", out), out
    out, rows, _ = ps(vm)
    assert any(r[1] == "prime" and r[2] in ("running", "ready") for r in rows), out
    vm.expect(r"\[\d+\] done: prime \(status 0\)", timeout=60)
    # The job prints "done" itself, then exits: wait for it to be gone.
    deadline = time.monotonic() + 30
    while True:
        out, rows, _ = ps(vm)
        if not any(r[1] == "prime" for r in rows):
            break
        assert time.monotonic() < deadline, out
        time.sleep(0.2)
    vm.shutdown()


@scenario(uefi=False, smp=1, mem="1G", timeout=60)
def sched_sleep_lets_jobs_run(vm):
    # A job started first keeps running while the shell sleeps on one CPU.
    out = vm.run("prime 100000000 &")
    assert "prime started" in out, out
    vm.run("sleep 500", timeout=20)
    out, rows, _ = ps(vm)
    job = [r for r in rows if r[1] == "prime"]
    assert job, out
    m = re.search(r"^\s*\d+\s+prime\s+\S+\s+\d+\s+([\d.]+)$", out, re.M)
    assert m and float(m.group(1)) >= 300, out  # it got most of the 500 ms
    vm.shutdown()


def lockcheck(vm, kind, message):
    vm.send(f"lockcheck {kind}\r")
    vm.expect(message, timeout=20)
    vm.expect(r"system halted", timeout=20)


@scenario(uefi=False, smp=1, mem="256M", timeout=60)
def sched_lockcheck_recursion(vm):
    lockcheck(vm, "recursion", r"spinlock: recursive lock of 'lockcheck_outer' on CPU 0")


@scenario(uefi=False, smp=1, mem="256M", timeout=60)
def sched_lockcheck_order(vm):
    lockcheck(vm, "order", r"spinlock: lock order: 'lockcheck_inner' \(rank 10\) taken while "
              r"holding 'lockcheck_outer' \(rank 50\)")


@scenario(uefi=False, smp=1, mem="256M", timeout=60)
def sched_lockcheck_unlock(vm):
    lockcheck(vm, "unlock", r"spinlock: unlock of 'lockcheck_inner' on CPU 0, which does not hold it")


@scenario(uefi=False, smp=1, mem="256M", timeout=60)
def sched_lockcheck_sleep(vm):
    lockcheck(vm, "sleep", r"sched: task_sleep_ns may sleep but task 'kmain' holds a spinlock")
