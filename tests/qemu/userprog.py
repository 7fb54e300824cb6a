"""Helpers of the user-program scenarios: a program's own lines out of a
`vm.run` transcript, the same program's run on the host (the oracle), the
comparison of the two, and the pages in use for leak checks."""
import os
import re
import subprocess
import tempfile

from harness import ROOT, status

LOG_LINE = re.compile(r"\[\s*\d+\.\d+\]")


def program_output(out):
    """The program's lines of a `vm.run` transcript: Corvid's own log lines
    (a segfault line, -ENOSYS warnings) and the shell's `exec:` notes are
    not its output."""
    return "".join(l + "\n" for l in out.splitlines()
                   if not LOG_LINE.match(l) and not l.startswith("exec: "))


def host_run(argv, timeout=60, done=None):
    """@argv's standard output on the host; it must exit 0 and, with
    @done, end with that line."""
    r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=timeout)
    assert r.returncode == 0, r
    if done is not None:
        assert r.stdout.endswith(done + "\n"), r.stdout
    return r.stdout


def assert_same(ours, host):
    """Equal outputs, or the first differing lines in the message."""
    a, b = ours.splitlines(), host.splitlines()
    diff = [f"line {i + 1}: corvid {x!r} / linux {y!r}"
            for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(a) != len(b):
        diff.append(f"corvid {len(a)} lines, linux {len(b)}")
    assert not diff, "\n".join(diff[:20])


def matches_host(vm, program, corvid_dir=None, timeout=90):
    """Run build/user/@program on the host and as /bin/@program in Corvid
    and require the same output, ending "@program: done", and a 0 exit
    status in Corvid. With @corvid_dir the program gets a directory to
    work in: a fresh temporary one on the host, @corvid_dir in Corvid."""
    path = os.path.join(ROOT, "build", "user", program)
    done = program + ": done"
    if corvid_dir is None:
        host = host_run([path], done=done)
    else:
        with tempfile.TemporaryDirectory() as d:
            host = host_run([path, d], done=done)
    out = vm.run(" ".join(["exec", "/bin/" + program] + ([corvid_dir] if corvid_dir else [])),
                 timeout=timeout)
    assert_same(program_output(out), host)
    assert status(vm) == 0


def used_pages(vm):
    """Frames in use, from the shell's `mem`."""
    out = vm.run("mem")
    m = re.search(r"used (\d+)", out)
    assert m, out
    return int(m.group(1))
