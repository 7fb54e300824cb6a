"""The framebuffer console: the kernel's greeting must be on the screen.

QEMU's screendump (through a QMP socket) captures the emulated display as a
PPM image; the first text row must hold light-grey glyph pixels on the dark
console background, and rows far below must be plain background."""
import json
import os
import socket
import tempfile
import time

from harness import ScenarioError, scenario

SOCK = os.path.join(tempfile.gettempdir(), f"corvid-qmp-{os.getpid()}-%s.sock")
FG = (0xe0, 0xe0, 0xe0)
BG = (0x10, 0x10, 0x18)


def qmp_screendump(path, out):
    s = socket.socket(socket.AF_UNIX)
    for _ in range(50):
        try:
            s.connect(path)
            break
        except OSError:
            time.sleep(0.1)
    else:
        raise ScenarioError("cannot connect to QMP")
    f = s.makefile("rw")
    f.readline()  # greeting
    for cmd in ({"execute": "qmp_capabilities"},
                {"execute": "screendump", "arguments": {"filename": out}}):
        f.write(json.dumps(cmd) + "\n")
        f.flush()
        reply = json.loads(f.readline())
        while "event" in reply:
            reply = json.loads(f.readline())
        if "error" in reply:
            raise ScenarioError(f"QMP: {reply}")
    s.close()


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    parts = data.split(b"\n", 3)
    assert parts[0] == b"P6", parts[0]
    w, h = map(int, parts[1].split())
    return w, h, parts[3]


def pixel(img, x, y):
    w, _, px = img
    i = (y * w + x) * 3
    return tuple(px[i:i + 3])


def check_greeting(sock):
    out = tempfile.mktemp(suffix=".ppm")
    try:
        qmp_screendump(sock, out)
        img = read_ppm(out)
    finally:
        if os.path.exists(out):
            os.unlink(out)
    w, h, _ = img
    assert (w, h) == (1024, 768), (w, h)
    first_row = [pixel(img, x, y) for y in range(16) for x in range(8 * 17)]
    assert first_row.count(FG) > 100, "no greeting glyphs on the first text row"
    assert first_row.count(BG) > 100, "no console background on the first row"
    bottom = [pixel(img, x, 700) for x in range(0, 1024, 7)]
    assert all(p == BG for p in bottom), "the rest of the screen is not cleared"


@scenario(uefi=False, smp=1, extra="-qmp unix:" + (SOCK % "bios") + ",server=on,wait=off")
def fb_hello_bios(vm):
    check_greeting(SOCK % "bios")


@scenario(uefi=True, smp=1, timeout=90,
          extra="-qmp unix:" + (SOCK % "uefi") + ",server=on,wait=off")
def fb_hello_uefi(vm):
    check_greeting(SOCK % "uefi")
