#!/usr/bin/env python3
"""Closing the terminal ends `make run`'s QEMU (a host test, run by make test).

Each case starts make with a recipe like `make run`'s (tools/qemu.sh on a
private copy of the ISO, so its QEMU is found by that path and nothing
else) in a detached tmux session on a private tmux server, waits for the
Corvid prompt on the pane, then closes the terminal (kills the tmux server:
the pane's pty is hung up) or sends SIGTERM to make's process group. Within
a generous deadline QEMU must be gone and, under UEFI, the OVMF vars copy
qemu.sh made must be deleted. A QEMU that survives is killed by its PID.

Usage: hangup.py [--elf build/debug/corvid.elf]; exit status 1 on failure.
"""
import argparse
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOOT_WAIT_S = 180    # 8-vCPU QEMUs of other tests may share the host's cores
EXIT_WAIT_S = 30
PROMPT_RE = re.compile(r"^corvid[^\n]*>\s*$", re.M)


def tmux(sock, *args):
    return subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True)


def qemu_pids(iso):
    """PIDs of QEMUs whose command line names @iso."""
    pids = []
    for d in glob.glob("/proc/[0-9]*"):
        try:
            with open(os.path.join(d, "cmdline"), "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"qemu-system-x86_64") and \
                any(iso.encode() in a for a in argv):
            pids.append(int(os.path.basename(d)))
    return pids


def start(tmp, iso, uefi, via_shell, sock):
    """make runs qemu.sh from a recipe; make itself is the session's first
    process, or a job of an interactive shell that is."""
    mk = os.path.join(tmp, "Makefile")
    with open(mk, "w") as f:
        f.write(f"run:\n\tcd {ROOT} && ISO={iso} UEFI={uefi} SMP=1 MEM=256M "
                "VIRTIO=off GRAPHICS=off GDB=no tools/qemu.sh\n")
    make = f"make -s -f {mk} run"
    size = ["-x", "160", "-y", "40"]
    if via_shell:
        tmux(sock, "new-session", "-d", "-s", "run", *size, "bash --norc --noprofile -i")
        tmux(sock, "send-keys", "-t", "run", make, "Enter")
    else:
        tmux(sock, "new-session", "-d", "-s", "run", *size, make)


def wait_prompt(sock, iso):
    end = time.monotonic() + BOOT_WAIT_S
    while time.monotonic() < end:
        pane = tmux(sock, "capture-pane", "-p", "-t", "run").stdout
        if PROMPT_RE.search(pane) and qemu_pids(iso):
            return None
        time.sleep(0.5)
    return "no Corvid prompt on the pane"


def make_pgid(sock):
    out = tmux(sock, "list-panes", "-t", "run", "-F", "#{pane_pid}").stdout.split()
    return os.getpgid(int(out[0]))


def run_case(elf_iso, uefi, via_shell, how):
    name = f"uefi={uefi} {'shell' if via_shell else 'make'} {how}"
    tmp = tempfile.mkdtemp(prefix="corvid-hangup-")
    iso = os.path.join(tmp, "corvid-hangup.iso")
    shutil.copy(elf_iso, iso)
    sock = f"corvid-hangup-{os.getpid()}"
    why = None
    survivors = []
    try:
        start(tmp, iso, uefi, via_shell, sock)
        why = wait_prompt(sock, iso)
        pids = qemu_pids(iso)
        if why is None:
            if how == "hangup":
                tmux(sock, "kill-server")  # closes every pane's terminal
            else:
                os.killpg(make_pgid(sock), signal.SIGTERM)
            end = time.monotonic() + EXIT_WAIT_S
            while time.monotonic() < end and (qemu_pids(iso) or
                                              glob.glob(os.path.join(tmp, "OVMF_VARS.*"))):
                time.sleep(0.5)
            survivors = [p for p in pids if p in qemu_pids(iso)]
            if survivors:
                why = f"QEMU {survivors} still running {EXIT_WAIT_S} s after the {how}"
            elif glob.glob(os.path.join(tmp, "OVMF_VARS.*")):
                why = "the OVMF vars copy was left behind"
    finally:
        for pid in qemu_pids(iso):
            os.kill(pid, signal.SIGKILL)
        tmux(sock, "kill-server")
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{'FAIL' if why else 'PASS'} hangup: {name}" + (f": {why}" if why else ""),
          flush=True)
    return why is None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--elf", default="build/debug/corvid.elf")
    args = ap.parse_args()
    if not shutil.which("tmux"):
        print("FAIL hangup: tmux is not installed")
        return 1
    elf = os.path.abspath(args.elf)
    iso = subprocess.run([os.path.join(ROOT, "tools/mkiso.sh"), elf, os.path.dirname(elf), ""],
                         check=True, capture_output=True, text=True, cwd=ROOT).stdout.strip()
    cases = [("on", False, "hangup"), ("off", False, "hangup"), ("on", True, "hangup"),
             ("off", True, "hangup"), ("on", False, "sigterm")]
    ok = [run_case(iso, *c) for c in cases]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
