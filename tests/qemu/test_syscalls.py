"""The file, time and information system calls (issue 16), differentially:
/bin/ufiles and /bin/uinfo print what they observe, one line each, and
the same binaries run on the host's Linux; the outputs must be equal.

ufiles works in a fresh directory under its argument: /tmp (a tmpfs) or
a fresh ext2 disk in Corvid, a mktemp directory on the host. uinfo needs nothing; `uinfo tty`
reads the terminal on its stdin: Corvid's console against a host pty set
to 80x24 (a fresh pty's termios is Linux's tty_std_termios, which the
console copies).

Masks (the only differences allowed), each for a documented reason:
- Corvid's own log lines ("[  1.234] ...") are kernel output, not the
  program's, and the shell's "exec: ..." status line is the shell's.
- ufiles prints no inode or device numbers, times it did not set, block
  counts, absolute paths or directory sizes (these differ by filesystem:
  ext4 gives 4096, tmpfs and Corvid other values); it compares them with
  each other inside the program instead (statx against stat).
- uinfo prints no times, memory sizes, CPU counts or names that differ
  by machine; it prints checks on them ("monotonic yes", "totalram >
  freeram yes"). Its "uname machine" line is compared, sysname is not
  ("Corvid" against "Linux").
Both programs exit 0 after printing "done". The oracle is the host's
kernel, so a few lines need a recent one: faccessat2 (5.8) and open's
O_CREAT|O_DIRECTORY refusal (-EINVAL since 6.4); the outputs were taken
from Linux 6.18.
"""
import atexit
import os
import shutil
import subprocess
import tempfile
import threading

import ext2img
from harness import ROOT, scenario, status
from userprog import assert_same, matches_host, program_output, used_pages

UINFO = os.path.join(ROOT, "build", "user", "uinfo")


@scenario(uefi=False, smp=2, timeout=120)
def syscalls_files_match_linux(vm):
    matches_host(vm, "ufiles", "/tmp")
    vm.shutdown()


@scenario(uefi=False, smp=2, timeout=120)
def syscalls_info_and_time_match_linux(vm):
    matches_host(vm, "uinfo")
    vm.shutdown()


def host_run_on_pty(argv, rows=24, cols=80):
    """Run @argv with a fresh pty of @rows x @cols as its stdin."""
    import fcntl
    import pty
    import struct
    import termios
    master, slave = pty.openpty()
    try:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        r = subprocess.run(argv, stdin=slave, capture_output=True, text=True, timeout=60)
    finally:
        os.close(slave)
        os.close(master)
    assert r.returncode == 0, r
    return r.stdout


@scenario(uefi=False, smp=1, timeout=60)
def syscalls_console_is_a_tty_like_linux(vm):
    # Corvid's console answers TCGETS as a fresh Linux pty does (cooked
    # mode) and TIOCGWINSZ with 80x24: compared with a host pty of 80x24.
    host = host_run_on_pty([UINFO, "tty"])
    assert "TCGETS on fd 0                               0" in host, host
    out = vm.run("exec /bin/uinfo tty", timeout=60)
    assert_same(program_output(out), host)
    assert status(vm) == 0
    vm.shutdown()


@scenario(uefi=False, smp=2, mem="512M", timeout=180)
def syscalls_repeated_runs_leak_nothing(vm):
    # ufiles removes its work directory at the end, so runs repeat and
    # every page they took must come back (the first run warms caches).
    for prog in ("/bin/ufiles /tmp", "/bin/uinfo"):
        assert vm.run(f"exec {prog}", timeout=90).rstrip().endswith("done"), prog
    before = used_pages(vm)
    for _ in range(3):
        assert "ufiles: done" in vm.run("exec /bin/ufiles /tmp", timeout=90)
        assert "uinfo: done" in vm.run("exec /bin/uinfo", timeout=90)
    after = used_pages(vm)
    assert abs(after - before) <= 2, (before, after)
    vm.shutdown()


class _Ext2Image(os.PathLike):
    """A blank 4 KiB-block ext2 image, made on first use (the harness copies
    it for the scenario)."""
    lock = threading.Lock()
    path = None

    def __fspath__(self):
        with self.lock:
            if self.path is None:
                work = tempfile.mkdtemp(prefix="corvid-syscalls-")
                atexit.register(shutil.rmtree, work, True)
                path = os.path.join(work, "blank.img")
                ext2img.mkfs(path, 32, 4096)
                self.path = path
            return self.path


@scenario(uefi=False, smp=2, virtio=True, disk=_Ext2Image(), timeout=180)
def syscalls_files_on_ext2_match_linux(vm):
    # The same calls on Corvid's ext2 (mounted at /mnt/vdb) as on the
    # host's filesystem: the VFS gives every filesystem the same rules.
    matches_host(vm, "ufiles", "/mnt/vdb", timeout=120)
    vm.shutdown()
    ext2img.fsck(vm.disk)
