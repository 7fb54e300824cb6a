"""Host-driven QEMU scenarios for Corvid.

A scenario is a function decorated with @scenario(...) in a
tests/qemu/test_*.py file. The harness builds (or reuses) an ISO with the
scenario's kernel command line, boots it in QEMU with the serial port on a
pipe, waits for the shell prompt and hands the scenario a VM object:

    @scenario(uefi=False, smp=1, cmdline="", timeout=60)
    def boot_bios(vm):
        out = vm.run("echo hi")      # output of one command, colours stripped
        assert out.strip() == "hi"
        vm.shutdown()                # QEMU must exit by itself

Every QEMU runs in its own process group under a deadline and is killed by
its PID when the scenario ends, passes or not. Transcripts are kept in
build/test-logs/<name>.log.
"""
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANSI_RE = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78c]")
PROMPT_RE = r"corvid[^\n]*?> $"

SCENARIOS = []

# virtio: attach virtio-rng and the ISO as a read-only virtio-blk disk (vda),
#   as `make run` does.
# initrd: None for the build's initramfs.cpio (rootfs/), "" for no module,
#   or the path of an archive to load instead.
# disk: None, or a scratch disk for this scenario alone (vdb, needs virtio):
#   an int is the size of a fresh zeroed image in MiB; a str names an image
#   to copy. The copy is VM.disk; it is deleted when the scenario ends.
# disks: more disks after those (the next free names), a list of such specs; the
#   copies are VM.disks, deleted the same way.
DEFAULTS = dict(uefi=False, smp=1, mem="512M", machine="q35", cmdline="",
                timeout=60, wait_prompt=True, gdb=False, extra="", build=None,
                expect_exit=None, virtio=False, disk=None, disks=(), initrd=None)


class ScenarioError(AssertionError):
    pass


def scenario(**opts):
    """Register a scenario; keyword options override DEFAULTS."""
    unknown = set(opts) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown scenario options: {sorted(unknown)}")

    def wrap(fn):
        o = dict(DEFAULTS)
        o.update(opts)
        SCENARIOS.append((fn.__name__, fn, o))
        return fn
    return wrap


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_iso_lock = threading.Lock()


def build_iso(elf, cmdline, initrd=None):
    with _iso_lock:     # scenarios run in threads; one grub-mkrescue at a time
        return _build_iso(elf, cmdline, initrd)


def _build_iso(elf, cmdline, initrd):
    if initrd is None:
        initrd = os.path.join(os.path.dirname(elf), "initramfs.cpio")
    extra = [initrd] if initrd and os.path.exists(initrd) else []
    out = subprocess.run([os.path.join(ROOT, "tools/mkiso.sh"), elf,
                          os.path.dirname(elf), cmdline] + extra, check=True,
                         capture_output=True, text=True, cwd=ROOT)
    return out.stdout.strip()


class VM:
    """One QEMU process and the serial transcript it has produced so far."""

    def __init__(self, name, opts, elf, logdir):
        self.name = name
        self.opts = opts
        self.raw = bytearray()
        self.pos = 0            # expect() searches the clean text from here
        self.lock = threading.Condition()
        self.exited = False
        self.returncode = None
        self.deadline = time.monotonic() + opts["timeout"]
        self.logpath = os.path.join(logdir, name + ".log")
        self.gdb_port = free_port() if opts["gdb"] else None
        self.disk = self._make_disk(opts["disk"])
        self.disks = [self._make_disk(d) for d in opts["disks"]]
        self._start(elf)

    def _make_disk(self, spec):
        if spec is None:
            return None
        fd, path = tempfile.mkstemp(prefix=f"disk-{self.name}-", suffix=".img")
        os.close(fd)
        if isinstance(spec, int):
            os.truncate(path, spec << 20)
        else:
            subprocess.run(["cp", "--sparse=always", spec, path], check=True)
        return path

    # ---- process -------------------------------------------------------
    def _start(self, elf):
        o = self.opts
        iso = build_iso(elf, o["cmdline"], o["initrd"])
        env = dict(os.environ, ISO=iso, UEFI="on" if o["uefi"] else "off",
                   SMP=str(o["smp"]), MEM=o["mem"], MACHINE=o["machine"],
                   GRAPHICS="off", ACCEL=os.environ.get("ACCEL", "auto"),
                   VIRTIO="on" if o["virtio"] else "off", DISK=self.disk or "",
                   DISKS=" ".join(self.disks),
                   QEMU_EXTRA=("-no-reboot " + o["extra"]).strip())
        if o["uefi"]:
            self.vars = tempfile.NamedTemporaryFile(prefix="ovmf-vars-", suffix=".fd",
                                                    delete=False)
            self.vars.close()
            subprocess.run(["cp", "/usr/share/OVMF/OVMF_VARS_4M.fd", self.vars.name],
                           check=True)
            env["VARS"] = self.vars.name
        else:
            self.vars = None
        env["GDB"] = f"port:{self.gdb_port}" if self.gdb_port else "no"
        self.proc = subprocess.Popen([os.path.join(ROOT, "tools/qemu.sh")], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     cwd=ROOT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        fd = self.proc.stdout.fileno()
        while True:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            with self.lock:
                self.raw += chunk
                self.lock.notify_all()
        rc = self.proc.wait()
        with self.lock:
            self.exited = True
            self.returncode = rc
            self.lock.notify_all()

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        self.reader.join(timeout=5)
        if self.vars:
            os.unlink(self.vars.name)
        for d in [self.disk] + self.disks:
            if d:
                os.unlink(d)
        with open(self.logpath, "wb") as f:
            f.write(self.raw)

    # ---- output --------------------------------------------------------
    def text(self):
        """Everything received so far, ANSI sequences and CRs removed."""
        with self.lock:
            return ANSI_RE.sub(b"", bytes(self.raw)).replace(b"\r", b"").decode(
                "utf-8", "replace")

    def _remaining(self, timeout):
        left = self.deadline - time.monotonic()
        return min(left, timeout) if timeout is not None else left

    def expect(self, pattern, timeout=None):
        """Wait for @pattern (a regex) after the last match; return the match."""
        rx = re.compile(pattern, re.M)
        end = time.monotonic() + self._remaining(timeout)
        while True:
            m = rx.search(self.text(), self.pos)
            if m:
                self.pos = m.end()
                return m
            with self.lock:
                if self.exited:
                    raise ScenarioError(f"QEMU exited (status {self.returncode}) "
                                        f"before output matched {pattern!r}")
                left = end - time.monotonic()
                if left <= 0:
                    raise ScenarioError(f"timed out waiting for {pattern!r}")
                self.lock.wait(min(left, 0.5))

    def expect_all(self, patterns, timeout=None):
        """Wait until every regex in @patterns has matched after the last
        match, in any order (lines from concurrent tasks interleave); then
        continue after the furthest of them."""
        rxs = [re.compile(p, re.M) for p in patterns]
        end = time.monotonic() + self._remaining(timeout)
        while True:
            text = self.text()
            ms = [rx.search(text, self.pos) for rx in rxs]
            if all(ms):
                self.pos = max(m.end() for m in ms)
                return ms
            with self.lock:
                if self.exited:
                    raise ScenarioError(f"QEMU exited (status {self.returncode}) before "
                                        f"output matched {patterns!r}")
                left = end - time.monotonic()
                if left <= 0:
                    missing = [p for p, m in zip(patterns, ms) if not m]
                    raise ScenarioError(f"timed out waiting for {missing!r}")
                self.lock.wait(min(left, 0.5))

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def wait_prompt(self, timeout=None):
        return self.expect(PROMPT_RE, timeout)

    def run(self, command, timeout=30):
        """Type @command and Enter; return its output up to the next prompt."""
        start = self.pos
        self.send(command + "\r")
        m = self.wait_prompt(timeout)
        out = self.text()[start:m.start()]
        # Drop the echoed command line itself.
        nl = out.find("\n")
        out = out[nl + 1:] if nl >= 0 else ""
        return out.rsplit("\n", 1)[0] + "\n" if "\n" in out else out

    def wait_exit(self, timeout=30):
        end = time.monotonic() + self._remaining(timeout)
        with self.lock:
            while not self.exited:
                left = end - time.monotonic()
                if left <= 0:
                    raise ScenarioError("QEMU did not exit")
                self.lock.wait(min(left, 0.5))
        return self.returncode

    def shutdown(self, timeout=30):
        self.send("shutdown\r")
        rc = self.wait_exit(timeout)
        if rc != 0:
            raise ScenarioError(f"shutdown: QEMU exited with status {rc}, expected 0")


# ---- helpers for shell-command scenarios --------------------------------
def status(vm):
    return int(vm.run("echo $?").strip())


def ok(vm, cmd):
    """Run @cmd, which must succeed; return its output."""
    out = vm.run(cmd)
    assert status(vm) == 0, (cmd, out)
    return out


def fails(vm, cmd, message, code=1):
    """Run @cmd, which must print @message and give status @code."""
    out = vm.run(cmd)
    assert message in out, (cmd, out)
    assert status(vm) == code, (cmd, out)
    return out
