"""BusyBox at the terminal: job control at BusyBox sh's prompt (^Z, jobs,
bg, fg, ^C, a background `cat` stopped by SIGTTIN, stty tostop) and the
tty's output processing (OPOST/ONLCR: with `stty -opost` a '\\n' goes out
alone). The job control transcript is compared with the host's
/bin/busybox sh run on a pty with the same keystrokes (pids masked)."""
import fcntl
import os
import pty
import re
import subprocess
import select
import shutil
import struct
import tempfile
import termios
import time

from harness import ROOT, ScenarioError, scenario
from test_init import BB_PROMPT, bb_run, boot_to_busybox

HOST_BUSYBOX = "/bin/busybox"


def _mask(text):
    """Pids and the first-run set_robust_list warning out of a transcript."""
    # A killed job's notice comes at the next prompt or `jobs`, whichever
    # the reaping reaches first: a race, on Linux too.
    text = "\n".join(ln for ln in text.split("\n")
                     if "set_robust_list" not in ln and not re.match(r"\[\d+\][-+ ] +Killed", ln))
    text = re.sub(r"^\[(\d+)\]\s+\d+$", r"[\1] PID", text, flags=re.M)
    # Job numbers are reused once the notice was given: that race again.
    text = re.sub(r"^\[\d+\]", "[N]", text, flags=re.M)
    # A stopped job's line can come twice, from `jobs` and from the notice
    # before the next prompt, when ash reaps the stop in between (seen once
    # in a make test): the same race.
    text = re.sub(r"^(\[N\][-+ ] +Stopped[^\n]*\n)\1+", r"\1", text, flags=re.M)
    return re.sub(r"^corvid:[^\n#]*# ", "corvid:# ", text, flags=re.M)


# (keystrokes, what to wait for after them: a regex, or seconds to let a
# just started job set itself up - a ^Z typed before the child made its
# group the foreground one reaches the shell, which ignores it, on Linux too)
# ./w polls `jobs` (for up to 30 s) until a job has stopped; sourced, as
# `. ./w`, so that the jobs are the shell's own. Written in short lines:
# a typed line longer than the terminal wraps where the prompt (which is
# longer on the host) makes it wrap.
WAIT_STOPPED = b". ./w"

JOBS_SCRIPT = [
    (b"echo 'for i in $(seq 300); do jobs >j.txt' >w\r", BB_PROMPT),
    (b"echo 'grep -q Stopped j.txt && break' >>w\r", BB_PROMPT),
    (b"echo 'sleep 0.1; done; rm j.txt' >>w\r", BB_PROMPT),
    (b"sleep 100\r", 2.0),
    (b"\x1a", r"Stopped[^\n]*\n" + BB_PROMPT),
    (b"jobs\r", BB_PROMPT),
    (b"bg\r", BB_PROMPT),
    (b"jobs\r", BB_PROMPT),
    (b"fg\r", r"sleep 100\n"),
    (b"", 1.0),
    (b"\x03", BB_PROMPT),
    (b"echo status $?\r", BB_PROMPT),
    # (one line, waiting for the stop rather than for a fixed time: when a
    # background job gets to its read or write depends on the machine's
    # load, on Linux too; a loaded host once took over 2 s)
    (b"cat & " + WAIT_STOPPED + b"; jobs\r", r"Stopped \(tty input\)[^\n]*\n(?:.*\n)?" + BB_PROMPT),
    (b"kill -9 %1; wait; echo killed\r", r"killed\n(?:.*\n)*?" + BB_PROMPT),
    (b"stty tostop; (sleep 1; echo out) &\r", BB_PROMPT),
    (b"" + WAIT_STOPPED + b"; jobs\r", r"Stopped \(tty output\)[^\n]*\n(?:.*\n)?" + BB_PROMPT),
    (b"kill -9 %+; wait; stty -tostop; rm w; echo done\r", r"done\n(?:.*\n)*?" + BB_PROMPT),
]


def _strip(raw):
    raw = re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", raw).replace(b"\r", b"")
    return raw.decode("utf-8", "replace")


def host_transcript(script):
    """Run @script's keystrokes against the host's BusyBox sh on a pty."""
    home = tempfile.mkdtemp(prefix="bbtty-")
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(home)  # PS1's \w shows ~, as Corvid's /root
        env = {"TERM": "vt100", "PS1": "corvid:\\w# ", "HOME": home,
               "PATH": "/bin:/sbin:/usr/bin:/usr/sbin", "ENV": "/dev/null"}
        os.execve(HOST_BUSYBOX, [HOST_BUSYBOX, "sh", "-i"], env)
    # Corvid's console is 80x24 (TIOCGWINSZ): the same window here.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    raw = bytearray()

    def wait_for(pattern, timeout=30):
        end = time.monotonic() + timeout
        rx = re.compile(pattern, re.M)
        while not rx.search(_strip(bytes(raw)), wait_for.pos):
            left = end - time.monotonic()
            if left <= 0:
                raise ScenarioError(f"host sh: no {pattern!r} in {_strip(bytes(raw))!r}")
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    raw.extend(os.read(fd, 4096))
                except OSError:
                    break
        wait_for.pos = rx.search(_strip(bytes(raw)), wait_for.pos).end()
    wait_for.pos = 0
    wait_for(BB_PROMPT)
    start = len(_strip(bytes(raw)))
    for keys, until in script:
        if keys:
            os.write(fd, keys)
        if isinstance(until, float):
            time.sleep(until)
        else:
            wait_for(until)
    out = _strip(bytes(raw))[start:]
    os.write(fd, b"exit\r")
    os.close(fd)
    os.waitpid(pid, 0)
    shutil.rmtree(home, ignore_errors=True)
    return out


def corvid_transcript(vm, script):
    start = vm.pos
    for keys, until in script:
        if keys:
            vm.send(keys)
        if isinstance(until, float):
            time.sleep(until)
        else:
            vm.expect(until, timeout=60)
    return vm.text()[start:]


@scenario(uefi=False, smp=2, cmdline="init=/bin/init", wait_prompt=False, timeout=240)
def busybox_job_control_matches_host(vm):
    boot_to_busybox(vm)
    mine = _mask(corvid_transcript(vm, JOBS_SCRIPT))
    host = _mask(host_transcript(JOBS_SCRIPT))
    assert mine == host, f"corvid:\n{mine}\nhost:\n{host}"


@scenario(uefi=False, smp=1, cmdline="init=/bin/init", wait_prompt=False, timeout=120)
def busybox_stty_opost_sends_bare_lf(vm):
    boot_to_busybox(vm)
    start = len(vm.raw)
    bb_run(vm, "stty -opost; echo ONE; echo TWO; stty opost; echo THREE")
    raw = bytes(vm.raw[start:])
    assert b"ONE\nTWO\n" in raw, raw
    assert b"THREE\r\n" in raw, raw
    # ^C's and the prompt's output is processed again.
    assert bb_run(vm, "echo back") == "back\n"


# vi through its escape sequences: insert, ESC, cursor keys (ESC [ A),
# dd, x, :w, more insert thrown away by :q!. Each group of keys gets a
# moment, so an ESC is not taken as the start of a sequence with the
# next key.
VI_SCRIPT = [
    (b"rm -f t.txt; vi t.txt\r", 2.0),
    (b"ione\rtwo\rthree\rfour", 0.5),
    (b"\x1b", 0.5),
    (b"\x1b[A", 0.5),
    (b"dd", 0.5),
    (b"\x1b[A", 0.5),
    (b"x", 0.5),
    (b":w\r", 1.0),
    (b"Onew line\x1b", 0.5),
    (b":q!\r", BB_PROMPT),
    (b"od -c t.txt; rm t.txt\r", r"\n0000\d+\n" + BB_PROMPT),
]


def _od(text):
    m = re.search(r"od -c t.txt; rm t.txt\n(.*?)^corvid:", text, re.S | re.M)
    assert m, text[-2000:]
    return m.group(1)


@scenario(uefi=False, smp=2, cmdline="init=/bin/init", wait_prompt=False, timeout=180)
def busybox_vi_edits_a_file_like_host(vm):
    boot_to_busybox(vm)
    mine = _od(corvid_transcript(vm, VI_SCRIPT))
    host = _od(host_transcript(VI_SCRIPT))
    assert mine == host, f"corvid:\n{mine}\nhost:\n{host}"
    assert "o   n   e  \\n" in mine and "w   o  \\n" in mine, mine


@scenario(uefi=False, smp=2, cmdline="init=/bin/init", wait_prompt=False, timeout=180)
def busybox_less_and_top_page_and_quit(vm):
    boot_to_busybox(vm)
    bb_run(vm, "seq 1 200 > n.txt")
    # less: a screen, space for the next, b back, /150 searches, q quits.
    vm.send("less n.txt\r")
    vm.expect(r"^23$")
    vm.send(" ")
    vm.expect(r"^46$")
    vm.send("b")
    time.sleep(0.5)
    vm.send("/150\r")
    vm.expect(r"^151$")  # the match tops the screen
    vm.send("q")
    vm.expect(BB_PROMPT)
    assert bb_run(vm, "echo back; rm n.txt") == "back\n"
    # top: one screen with its header and column heads, the shell's own
    # line among the processes; q returns to the prompt.
    shpid = bb_run(vm, "echo $$").strip()
    start = vm.pos
    vm.send("top\r")
    vm.expect(r"PID +PPID +USER +STAT +VSZ", timeout=60)
    vm.expect(r"^ *" + shpid + r" .*-?sh", timeout=30)
    vm.send("q")
    vm.expect(BB_PROMPT)
    screen = vm.text()[start:]
    for head in ("Mem:", "CPU:", "Load average:"):
        assert head in screen, screen
    # One batch screen against the host's: the header lines and top's own
    # line, every number masked (the figures are each machine's own).
    mine = _top_skeleton(bb_run(vm, TOP_BATCH))
    host = _top_skeleton(subprocess.run([HOST_BUSYBOX, "sh"], input=TOP_BATCH + "\n",
                                        capture_output=True, text=True, check=True).stdout)
    assert mine == host, f"corvid:\n{mine}\nhost:\n{host}"


TOP_BATCH = 'top -b -n 1 | head -n 4; top -b -n 1 | grep "top -b -n [1]"'


def _top_skeleton(text):
    text = re.sub(r"\d+(\.\d+)?[KMG]?", "N", text)
    return "\n".join(" ".join(ln.split()) for ln in text.strip().split("\n"))


STTY_SCRIPT = [
    (b"stty -a\r", BB_PROMPT),
    (b"stty size; tty >/dev/null && echo a tty\r", BB_PROMPT),
    (b"stty raw -echo; stty -a | head -n 4; stty sane\r", BB_PROMPT),
    (b"stty -a | head -n 4\r", BB_PROMPT),
]


@scenario(uefi=False, smp=1, cmdline="init=/bin/init", wait_prompt=False, timeout=120)
def busybox_stty_matches_host(vm):
    boot_to_busybox(vm)
    mine = _mask(corvid_transcript(vm, STTY_SCRIPT))
    host = _mask(host_transcript(STTY_SCRIPT))
    assert mine == host, f"corvid:\n{mine}\nhost:\n{host}"
    assert "rows 24; columns 80;" in mine and "24 80\na tty" in mine, mine


BB_MONITOR = os.path.join(ROOT, "build", "bbtty-kbd-monitor.sock")


@scenario(uefi=False, smp=1, cmdline="init=/bin/init", wait_prompt=False, timeout=120,
          extra=f"-monitor unix:{BB_MONITOR},server=on,wait=off")
def busybox_keyboard_types_into_sh_on_the_screen(vm):
    """The PS/2 keyboard types into BusyBox sh; the framebuffer shows the
    command and its output (drawn from the same PSF font)."""
    # Imported here: at module level it would register test_tty's
    # scenarios a second time.
    from test_tty import KEYS, Monitor, screen_find_text, screen_has_text, screendump_showing
    boot_to_busybox(vm)
    mon = Monitor(BB_MONITOR)
    for c in "echo bb-Kbd | rev\r":
        key = KEYS.get(c) or (f"shift-{c.lower()}" if c.isupper() else c)
        mon.cmd(f"sendkey {key}")
    vm.expect(r"^dbK-bb$")
    vm.expect(BB_PROMPT)
    shot = os.path.join(ROOT, "build", "bbtty-kbd-screen.ppm")
    screendump_showing(mon, shot, "dbK-bb")
    assert screen_has_text(shot, "echo bb-Kbd | rev"), "the typed line is not on the screen"
    assert screen_has_text(shot, "dbK-bb"), "the output is not on the screen"
    # A program's own line-feed/new-line mode (CSI 20 h) holds across its
    # writes (printf writes a line at a time): with output processing off,
    # each bare \n also returns to column 0.
    # (The letters are octal escapes, so the typed line's echo never
    # matches what the screendumps wait for.)
    bb_run(vm, "clear; stty -opost; printf '\\033[20hLNM-\\141b\\nLNM-\\143d\\nLNM-\\145f"
               "\\033[20l'; stty opost; echo")
    screendump_showing(mon, shot, "LNM-ef")
    where = {t: screen_find_text(shot, t) for t in ("LNM-ab", "LNM-cd", "LNM-ef")}
    assert where == {"LNM-ab": [(0, 0)], "LNM-cd": [(0, 1)], "LNM-ef": [(0, 2)]}, where
    os.unlink(shot)
