"""Pipes, FIFOs, poll and select (issue 17): /bin/pipetest exercises
pipe/pipe2 (EOF, EPIPE, O_NONBLOCK, PIPE_BUF atomicity with four
writers, fork ping-pong), mknod FIFOs and their open rules, and
poll/ppoll/select/pselect6 readiness, timeouts and errors; its output on
Corvid must equal the same binary's on the host's Linux. Then the console's
poll readiness, which the host cannot mirror on a pipe."""
import os
import re
import tempfile

from harness import ROOT, scenario, status
from userprog import assert_same, host_run, program_output, used_pages

PIPETEST = os.path.join(ROOT, "build", "user", "pipetest")


def host_output():
    with tempfile.TemporaryDirectory() as d:
        return host_run([PIPETEST, d], timeout=120, done="pipetest: done")


def differential(vm, runs=1):
    host = host_output()
    for _ in range(runs):
        out = vm.run("exec /bin/pipetest /tmp", timeout=150)
        assert_same(program_output(out), host)
        assert status(vm) == 0
    vm.shutdown()


@scenario(uefi=False, smp=2, timeout=180)
def pipe_differential(vm):
    differential(vm)


@scenario(uefi=False, smp=4, timeout=240)
def pipe_differential_smp4(vm):
    # Four CPUs: the four atomicity writers, ping-pong and poll wake-ups
    # really run in parallel; three rounds.
    differential(vm, runs=3)


@scenario(uefi=False, smp=1, timeout=60)
def pipe_console_poll_readiness(vm):
    # The console is writable at once and readable only once input waits.
    vm.send("exec /bin/pipetest console\r")
    vm.expect(r"console: waiting", timeout=30)
    vm.send("hi\r")
    vm.expect(r"console: read 3: hi", timeout=30)
    out = vm.text()
    assert "console: nothing typed: 1 0x4" in out, out
    assert "console: after typing: 1 0x1" in out, out
    vm.shutdown()


@scenario(uefi=False, smp=2, timeout=120)
def pipe_pingpong_bench_runs(vm):
    # ubench's pipe line (tools/bench.py compares it with Linux) prints a figure.
    out = vm.run("exec /bin/ubench 5", timeout=100)
    assert re.search(r"METRIC ubench_pipe_pingpong \d+ ns", out), out
    vm.shutdown()


@scenario(uefi=False, smp=2, timeout=90)
def pipe_ktests(vm):
    # Blocked reads and writes end with -EINTR when interrupted, EOF, EPIPE.
    out = vm.run("test pipe", timeout=60)
    assert re.search(r"ktest: [1-9]\d* passed, 0 failed", out), out
    vm.shutdown()


@scenario(uefi=False, smp=2, mem="512M", timeout=180)
def pipe_repeated_runs_leak_nothing(vm):
    # Every pipe, FIFO and poll table of a run is freed: after a warm-up
    # run, three more leave the used page count where it was.
    assert "pipetest: done" in vm.run("exec /bin/pipetest /tmp", timeout=90)
    before = used_pages(vm)
    for _ in range(3):
        assert "pipetest: done" in vm.run("exec /bin/pipetest /tmp", timeout=90)
    after = used_pages(vm)
    assert abs(after - before) <= 2, (before, after)
    vm.shutdown()
