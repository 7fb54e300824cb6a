"""The console terminal (drivers/tty, lib/ldisc.c, doc/tty.md).

user/ttytest runs on Corvid's console and on a host pty that is its
controlling terminal (a session leader, as the shell's programs are in
Corvid); the outputs must match. Typed input goes through the serial
port in Corvid and through the pty's master on the host.
"""
import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import termios
import time

from harness import ROOT, scenario, status
from test_syscalls import assert_same, program_output

TTYTEST = os.path.join(ROOT, "build", "user", "ttytest")


def host_on_ctty(argv, typed=b"", rows=24, cols=80):
    """Run @argv as a session leader whose controlling tty is a fresh pty
    of @rows x @cols (its stdin), type @typed once it prints "ready"
    (nothing printed on the pty's master is kept: stdout is a pipe)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def ctty():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    p = subprocess.Popen(argv, stdin=slave, stdout=subprocess.PIPE, preexec_fn=ctty)
    os.close(slave)
    out = b""
    if typed:
        while b"ready\n" not in out:
            out += os.read(p.stdout.fileno(), 4096)
        os.write(master, typed)
    end = time.monotonic() + 60
    while p.poll() is None and time.monotonic() < end:
        r, _, _ = select.select([master, p.stdout], [], [], 0.5)
        if master in r:
            try:
                os.read(master, 4096)       # the echo: drained, not compared
            except OSError:
                pass
        if p.stdout in r:
            out += os.read(p.stdout.fileno(), 4096)
    out += p.stdout.read()
    os.close(master)
    assert p.wait(timeout=5) == 0, out
    return out.decode()


@scenario(uefi=False, smp=1, timeout=60)
def tty_ioctls_like_linux(vm):
    host = host_on_ctty([TTYTEST])
    assert "ttytest: done" in host, host
    out = vm.run("exec /bin/ttytest", timeout=60)
    assert_same(program_output(out), host)
    assert status(vm) == 0
    vm.shutdown()


# ERASE (DEL), KILL (^U), WERASE (^W), ^V, ^D in the middle of a line and
# on an empty one.
TYPED = b"abc\x7fd\rjunk\x15ok\rone two\x17three\r\x16\x03x\rpart\x04\x04"


@scenario(uefi=False, smp=1, timeout=60)
def tty_canonical_editing_like_linux(vm):
    host = host_on_ctty([TTYTEST, "lines"], TYPED)
    assert "line 4: a b d 0a" in host, host
    vm.send("exec /bin/ttytest lines\r")
    vm.expect(r"^ready\r?$")
    vm.send(TYPED)
    m = vm.wait_prompt()
    out = vm.text()[vm.text().rfind("exec /bin/ttytest lines"):m.start()]
    # The echo: DEL erases with "\b \b", ^U erases the line the same way.
    assert "abc\b \bd" in out, repr(out)
    assert "junk\b \b\b \b\b \b\b \bok" in out, repr(out)
    # The program's lines (the echo may share a line with them).
    pick = re.compile(r"line \d+:[^\n]*|end +-?\d+|ttytest: done")
    assert_same("\n".join(pick.findall(out)), "\n".join(pick.findall(host)))
    assert status(vm) == 0
    vm.shutdown()


@scenario(uefi=False, smp=1, timeout=60)
def tty_raw_mode_and_ctrl_c(vm):
    # Raw mode: CR, DEL and ^C arrive as bytes.
    vm.send("exec /bin/ttytest raw 4\r")
    vm.expect(r"^ready\r?$")
    vm.send(b"a\r\x7f\x03")
    vm.wait_prompt()
    out = vm.text()
    for b in ("61", "0d", "7f", "03"):
        assert f"byte {b}" in out, out
    assert status(vm) == 0
    # Canonical mode with ISIG: ^C ends the reader (echoed as ^C).
    vm.send("exec /bin/ttytest lines\r")
    vm.expect(r"^ready\r?$")
    vm.send(b"half\x03")
    vm.expect(r"half\^C")
    vm.wait_prompt()
    assert status(vm) != 0
    assert vm.run("echo still here").strip() == "still here"
    vm.shutdown()
