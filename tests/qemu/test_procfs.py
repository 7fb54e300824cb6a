"""procfs (issue 13): /proc and /tmp are mounted at boot, and the shell's
cat shows /proc files in the shapes Linux gives them. meminfo's keys must
all be keys the host's own /proc/meminfo has, and every line must match
the host's line format; the other files are checked against regexes of
the Linux layouts (proc(5)). Then the KTESTs run: `test procfs` and
`test vfs`."""
import os
import re
import time

from harness import scenario
from userprog import matches_host

MEMINFO_LINE = re.compile(r"^([A-Za-z0-9_()]+):\s+(\d+)( kB)?$")
CPUINFO_KEYS = ["processor", "vendor_id", "cpu family", "model", "model name",
                "stepping", "cpu MHz", "flags"]
MOUNT_LINE = re.compile(r"^(\S+) (/\S*) (\S+) (rw|ro)(,\S+)? 0 0$")
UPTIME = re.compile(r"^(\d+\.\d\d) (\d+\.\d\d)$")
STATUS_KEYS = ["Name", "State", "Tgid", "Pid", "PPid", "Threads"]


def lines(out):
    return [l.rstrip("\r") for l in out.splitlines() if l.strip()]


def host_meminfo_keys():
    if not os.path.exists("/proc/meminfo"):
        return None
    with open("/proc/meminfo") as f:
        got = [MEMINFO_LINE.match(l.rstrip("\n")) for l in f]
    assert all(got), "the host's meminfo does not match its own format regex"
    return {m.group(1) for m in got}


def check_meminfo(out):
    host = host_meminfo_keys()
    keys = []
    for l in lines(out):
        m = MEMINFO_LINE.match(l)
        assert m and m.group(3) == " kB", f"meminfo line shape: {l!r}"
        # Linux's show_val_kb: the key padded to 16 columns, the number in 8.
        assert len(l) == max(16 + 8, len(m.group(1)) + 2 + len(m.group(2))) + 3, l
        keys.append(m.group(1))
    assert keys[:3] == ["MemTotal", "MemFree", "MemAvailable"], keys
    if host is not None:
        missing = set(keys) - host
        assert not missing, f"keys the host's meminfo lacks: {missing}"
    vals = dict((MEMINFO_LINE.match(l).group(1), int(MEMINFO_LINE.match(l).group(2)))
                for l in lines(out))
    assert vals["MemTotal"] > vals["MemFree"] > 0, vals


def check_cpuinfo(out, ncpus):
    paras = [p for p in out.replace("\r", "").split("\n\n") if p.strip()]
    assert len(paras) == ncpus, (len(paras), out)
    apicids = set()
    for i, p in enumerate(paras):
        fields = {}
        for l in p.splitlines():
            m = re.match(r"^([a-zA-Z _]+?)\s*: ?(.*)$", l)
            assert m, f"cpuinfo line shape: {l!r}"
            assert re.match(r"^[a-zA-Z _]+\t+: ", l) or l == "power management:", l
            fields[m.group(1)] = m.group(2)
        for k in CPUINFO_KEYS:
            assert k in fields, (k, p)
        assert fields["processor"] == str(i)
        assert re.match(r"^\d+\.\d{3}$", fields["cpu MHz"]), fields["cpu MHz"]
        assert "fpu" in fields["flags"].split(), fields["flags"]
        assert fields["apicid"] == fields["initial apicid"], p
        apicids.add(fields["apicid"])
    assert len(apicids) == ncpus, apicids   # each CPU's own APIC id


def check_mounts(out):
    got = []
    for l in lines(out):
        m = MOUNT_LINE.match(l)
        assert m, f"mounts line shape: {l!r}"
        got.append((m.group(2), m.group(3)))
    for want in [("/", "tmpfs"), ("/proc", "proc"), ("/tmp", "tmpfs")]:
        assert want in got, (want, got)


@scenario(uefi=False, smp=2)
def procfs_files(vm):
    check_meminfo(vm.run("cat /proc/meminfo"))
    check_cpuinfo(vm.run("cat /proc/cpuinfo"), 2)
    check_mounts(vm.run("cat /proc/mounts"))
    up = lines(vm.run("cat /proc/uptime"))
    assert len(up) == 1 and UPTIME.match(up[0]), up
    # Kernel tasks are at 32768 + their id (processes have the pids):
    # 32769 is task 1, the first idle task.
    status = lines(vm.run("cat /proc/32769/status"))
    keys = [l.split(":", 1)[0] for l in status]
    for k in STATUS_KEYS:
        assert k in keys, (k, status)
    assert all(re.match(r"^[A-Za-z_]+:\t", l) for l in status), status
    assert re.search(r"^State:\t[RSDZTI] \([a-z ]+\)$", "\n".join(status), re.M), status
    stat = lines(vm.run("cat /proc/32769/stat"))
    assert len(stat) == 1 and re.match(r"^32769 \(.*\) [RSZ] ", stat[0]), stat
    assert len(re.sub(r"\(.*\)", "comm", stat[0]).split()) == 52, stat
    listing = vm.run("ls /proc").split()
    for name in ["meminfo", "cpuinfo", "mounts", "uptime", "loadavg", "interrupts",
                 "version", "filesystems", "stat", "self", "32769"]:
        assert name in listing, (name, listing)
    out = vm.run("write /proc/meminfo x")
    assert "Permission denied" in out, out
    assert re.match(r"^\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+$",
                    lines(vm.run("cat /proc/loadavg"))[0])
    assert re.match(r"^ {11}CPU0 {7}CPU1 *$", lines(vm.run("cat /proc/interrupts"))[0])
    out = vm.run("test procfs", timeout=120)
    assert re.search(r"ktest: \d+ passed, 0 failed", out), out
    out = vm.run("test vfs", timeout=300)
    assert re.search(r"ktest: \d+ passed, 0 failed", out), out
    vm.shutdown()


@scenario(uefi=False, smp=2, timeout=180)
def procfs_loadavg_follows_load(vm):
    """Two busy tasks on two CPUs: the 1-minute average climbs towards 2
    (it passes 0.5 after about four 5-second samples) and stays above
    the 15-minute one, as Linux's does."""
    for _ in range(2):
        assert re.search(r"\[\d+\] prime started", vm.run("prime 100000000 &"))
    deadline = time.monotonic() + 150
    while True:
        first = lines(vm.run("cat /proc/loadavg"))[0].split()
        one, fifteen = float(first[0]), float(first[2])
        if one >= 0.5:
            break
        assert time.monotonic() < deadline, first
        time.sleep(1)
    assert one > fifteen, first
    assert int(first[3].split("/")[0]) >= 2, first   # the two primes are runnable
    vm.kill()




@scenario(uefi=False, smp=2, timeout=120)
def procfs_pid_files_match_linux(vm):
    """/proc/PID/fd, cwd, root, environ, maps, statm and stat's vsize:
    user/procself prints what holds on both kernels (DIR and pipe inode
    numbers masked, maps without addresses) and the host's Linux must
    print the same; then children that exit while it reads their files."""
    matches_host(vm, "procself", "/tmp")
    vm.shutdown()
