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
import socket
import struct
import subprocess
import termios
import time

from harness import ROOT, scenario, status
from userprog import assert_same, program_output

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


def host_poll_line():
    """`ttytest poll` on a host pty: "ab" at "ready", "c\\n" at "half"."""
    master, slave = pty.openpty()

    def ctty():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    p = subprocess.Popen([TTYTEST, "poll"], stdin=slave, stdout=subprocess.PIPE,
                         preexec_fn=ctty)
    os.close(slave)
    out = b""
    for want, typed in ((b"ready\n", b"ab"), (b"half", b"c\n")):
        while want not in out:
            chunk = os.read(p.stdout.fileno(), 4096)
            assert chunk, out
            out += chunk
        os.write(master, typed)
    out += p.stdout.read()
    assert p.wait(timeout=30) == 0, out
    os.close(master)
    return out.decode()


@scenario(uefi=False, smp=1, timeout=60)
def tty_poll_waits_for_a_whole_line(vm):
    host = host_poll_line()
    assert re.search(r"half: poll +0\n", host) and "got abc" in host, host
    vm.send("exec /bin/ttytest poll\r")
    vm.expect(r"^ready\r?$")
    vm.send(b"ab")
    vm.expect(r"half: poll")
    vm.send(b"c\r")
    m = vm.wait_prompt()
    out = vm.text()[vm.text().rfind("exec /bin/ttytest poll"):m.start()]
    pick = re.compile(r"(?:half|whole): poll +-?\d+|revents POLLIN +\d+|read +-?\d+|got [a-z]*|ttytest: done")
    assert_same("\n".join(pick.findall(out)), "\n".join(pick.findall(host)))
    assert status(vm) == 0
    vm.shutdown()


# ---- the PS/2 keyboard and the framebuffer console ----

MONITOR = os.path.join(ROOT, "build", "tty-kbd-monitor.sock")
FONT = os.path.join(ROOT, "build", "debug", "font.psf")


class Monitor:
    """QEMU's human monitor on a Unix socket."""

    def __init__(self, path):
        end = time.monotonic() + 30
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX)
                self.s.connect(path)
                break
            except OSError:
                self.s.close()
                if time.monotonic() > end:
                    raise
                time.sleep(0.2)
        self.s.settimeout(30)
        self._until_prompt()

    def _until_prompt(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            data = self.s.recv(4096)
            assert data, buf
            buf += data
        return buf

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\n")
        return self._until_prompt()


def psf_ascii_glyphs(path):
    """({char: rows of bits}, width, height) for the printable ASCII of a
    PSF1 or PSF2 font, mapped through its Unicode table as lib/psf.c does
    (without a table, glyph n is character n)."""
    data = open(path, "rb").read()
    if data[:2] == b"\x36\x04":                    # PSF1: 8 pixels wide
        mode, size = data[2], data[3]
        count, hsize, width, height = (512 if mode & 1 else 256), 4, 8, size
        entries = [int.from_bytes(data[o:o + 2], "little")
                   for o in range(hsize + count * size, len(data) - 1, 2)]
        has_table, end, seq = bool(mode & 2), 0xFFFF, 0xFFFE
    else:
        magic, _, hsize, flags, count, size, height, width = struct.unpack("<8I", data[:32])
        assert magic == 0x864ab572, "not a PSF font"
        entries = list(data[hsize + count * size:])
        has_table, end, seq = bool(flags & 1), 0xFF, 0xFE
    row_bytes = (width + 7) // 8

    def glyph(g):
        off = hsize + g * size
        return [int.from_bytes(data[off + y * row_bytes:off + (y + 1) * row_bytes], "big")
                >> (row_bytes * 8 - width) for y in range(height)]

    glyphs = {}
    if not has_table:
        return {chr(c): glyph(c) for c in range(32, 127)}, width, height
    g, in_seq = 0, False
    for e in entries:                # PSF2's UTF-8 bytes: ASCII is one byte
        if g >= count:
            break
        if e == end:
            g, in_seq = g + 1, False
        elif e == seq:
            in_seq = True
        elif not in_seq and 32 <= e < 127 and chr(e) not in glyphs:
            glyphs[chr(e)] = glyph(g)
    return glyphs, width, height


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    parts = data.split(maxsplit=4)
    assert parts[0] == b"P6", parts[:4]
    w, h = int(parts[1]), int(parts[2])
    return w, h, parts[4][:w * h * 3]


def screen_has_text(ppm, text):
    """Is @text drawn somewhere on the screen in the kernel's font, on
    the cell grid?"""
    return bool(screen_find_text(ppm, text))


def screen_find_text(ppm, text):
    """The (column, row) cells where @text is drawn in the kernel's font.
    Pixels differing from a cell's top-left corner (the background: the
    font's glyphs have a blank first column) are ink."""
    glyphs, cw, ch = psf_ascii_glyphs(FONT)
    w, h, px = read_ppm(ppm)

    def cell_bits(cx, cy):
        x0, y0 = cx * cw, cy * ch
        bg = px[(y0 * w + x0) * 3:(y0 * w + x0) * 3 + 3]
        rows = []
        for y in range(y0, y0 + ch):
            bits = 0
            for x in range(x0, x0 + cw):
                o = (y * w + x) * 3
                bits = bits << 1 | (px[o:o + 3] != bg)
            rows.append(bits)
        return rows

    want = [glyphs[c] for c in text]
    found = []
    for cy in range(h // ch):
        first = [cx for cx in range(w // cw - len(text) + 1) if cell_bits(cx, cy) == want[0]]
        for cx in first:
            if all(cell_bits(cx + k, cy) == want[k] for k in range(1, len(text))):
                found.append((cx, cy))
    return found


KEYS = {" ": "spc", "\r": "ret", "-": "minus", "|": "shift-backslash"}


def screendump_showing(mon, shot, text):
    """Take screendumps into @shot until @text is on the screen, with a
    generous deadline: the screen is drawn in batches (fbcon.c, every
    100 ms). The caller checks what the last one shows."""
    end = time.monotonic() + 30
    while True:
        if os.path.exists(shot):
            os.unlink(shot)
        mon.cmd(f"screendump {shot}")
        while not os.path.exists(shot) and time.monotonic() < end:
            time.sleep(0.1)
        if screen_has_text(shot, text) or time.monotonic() > end:
            return
        time.sleep(0.2)


@scenario(uefi=False, smp=1, timeout=60,
          extra=f"-monitor unix:{MONITOR},server=on,wait=off")
def tty_keyboard_types_into_the_shell(vm):
    assert "ps2kbd: keyboard on IRQ 1" in vm.text(), "no keyboard"
    mon = Monitor(MONITOR)
    for c in "echo kbd-Ok42\r":
        key = KEYS.get(c) or (f"shift-{c.lower()}" if c.isupper() else c)
        mon.cmd(f"sendkey {key}")
    vm.expect(r"^kbd-Ok42$")            # the shell ran what was typed
    vm.wait_prompt()
    shot = os.path.join(ROOT, "build", "tty-kbd-screen.ppm")
    screendump_showing(mon, shot, "echo kbd-Ok42")
    assert screen_has_text(shot, "echo kbd-Ok42"), "the typed line is not on the screen"
    assert screen_has_text(shot, "kbd-Ok42")
    assert not screen_has_text(shot, "kbd-Ok43")  # the check can fail
    vm.shutdown()


@scenario(uefi=False, smp=2, timeout=60)
def tty_ctrl_c_ends_a_program_that_does_not_read(vm):
    # The shell waits for its foreground program: typed input still runs
    # through the line discipline, so ^C reaches a program spinning in
    # user mode: SIGINT's default action ends it (status 128 + 2).
    vm.send("exec /bin/proctest spin\r")
    vm.expect(r"exec /bin/proctest spin")
    time.sleep(0.5)                      # let it start spinning
    vm.send(b"\x03")
    vm.expect(r"\^C")
    vm.expect(r"exec: /bin/proctest: killed by signal 2\b")
    vm.wait_prompt()
    assert status(vm) == 130
    assert vm.run("echo after").strip() == "after"
    vm.shutdown()
