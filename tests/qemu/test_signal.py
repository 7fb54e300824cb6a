"""Signal scenarios (issue 17): /bin/sigtest exercises handlers and
siginfo, masks, SA_NODEFER/SA_RESETHAND/SA_RESTART, sigaltstack, caught
faults, sigsuspend, sigtimedwait, EINTR, itimers and alarm, kill to a
group, stop/continue reports, default actions, SIGCHLD auto-reap and the
FPU state across a handler; its output on Corvid must equal the same
binary's on the host's Linux."""
import os
import re
import subprocess
import time

from harness import ROOT, scenario, status
from userprog import program_output

SIGTEST = os.path.join(ROOT, "build", "user", "sigtest")


@scenario(uefi=False, smp=2, timeout=120)
def signal_differential(vm):
    host = subprocess.run([SIGTEST], stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=60, cwd="/tmp")
    assert host.returncode == 0, host
    assert host.stdout.endswith("== done\n"), host.stdout
    out = vm.run("exec /bin/sigtest", timeout=100)
    assert program_output(out) == host.stdout, (program_output(out), host.stdout)
    assert status(vm) == 0
    vm.shutdown()


def spinner_pid(vm):
    deadline = time.monotonic() + 30
    while True:
        out = vm.run("ps")
        m = re.search(r"^\s*(\d+)\s+\d+\s+\d+\s+\d+ ([RST]) proctest$", out, re.M)
        if m:
            return int(m.group(1)), out
        assert time.monotonic() < deadline, out
        time.sleep(0.2)


def wait_state(vm, pid, want):
    deadline = time.monotonic() + 30
    while True:
        out = vm.run("ps")
        m = re.search(rf"^\s*{pid}\s+\d+\s+\d+\s+\d+ ([RSTZ]) ", out, re.M)
        if m and m.group(1) in want:
            return
        assert time.monotonic() < deadline, out
        time.sleep(0.2)


@scenario(uefi=False, smp=2, timeout=90)
def signal_shell_kill_stop_cont_term(vm):
    """The shell's kill sends real signals: -STOP stops a spinning
    program (ps shows T), -CONT resumes it, -TERM ends it with signal 15;
    a bad signal name is a usage error."""
    vm.run("exec /bin/proctest spin &")
    pid, _ = spinner_pid(vm)
    vm.run(f"kill -STOP {pid}")
    wait_state(vm, pid, "T")
    vm.run(f"kill -SIGCONT {pid}")
    wait_state(vm, pid, "RS")
    out = vm.run(f"kill -BOGUS {pid}")
    assert "usage" in out.lower(), out
    vm.send(f"kill -TERM {pid}\r")
    vm.expect_all([r"exec: /bin/proctest: killed by signal 15",
                   r"\[\d+\] done: exec \(status 143\)"], timeout=30)
    vm.run("")
    vm.shutdown()


@scenario(uefi=False, smp=1, timeout=60)
def signal_ktests(vm):
    out = vm.run("test signal")
    assert re.search(r"ktest: [1-9]\d* passed, 0 failed", out), out
    vm.shutdown()


@scenario(uefi=False, smp=1, timeout=60)
def signal_console_read_eintr_and_restart(vm):
    """A console read is interruptible: SIGALRM's handler makes it -EINTR,
    or, with SA_RESTART, lets it go on until a line is typed."""
    vm.send("exec /bin/sigtest read\r")
    vm.expect(r"read: -1 Interrupted system call", timeout=30)
    vm.expect(r"restart: waiting", timeout=30)
    time.sleep(0.5)  # the alarm fires while the read waits (it only delays the line)
    vm.send("hello\r")
    vm.expect(r"restart: read 6 bytes, 1 signal\(s\) on the way", timeout=30)
    vm.wait_prompt()
    assert status(vm) == 0
    vm.shutdown()
