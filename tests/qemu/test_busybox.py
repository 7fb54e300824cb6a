"""BusyBox's tools as on Linux (doc/busybox.md). Differential sessions:
tests/qemu/bb_session.sh is run by the host's /bin/busybox (the same
binary the initramfs carries), with PATH holding only links to it, and by
Corvid's BusyBox sh at the init= prompt, once in /tmp (tmpfs) and once on
an ext2 disk; the outputs must be equal but for du's sizes (each
filesystem allocates its own way). The ext2 disk is clean after poweroff
(e2fsck -fn). Shape checks cover what cannot be equal (ps, free, uptime,
df, mount, dmesg, id, uname, env, date) and /proc's per-process files."""
import atexit
import os
import re
import shutil
import subprocess
import tempfile

import ext2img
from harness import ROOT, scenario
from test_init import bb_run, boot_to_busybox

BUSYBOX = "/bin/busybox"
SESSION = os.path.join(ROOT, "tests", "qemu", "bb_session.sh")


def mask(text):
    """Only what legitimately differs: du's block counts."""
    return re.sub(r"(?m)^\d+\t", "N\t", text)


def host_session():
    """The session's output under the host's Linux, by the same BusyBox."""
    tmp = tempfile.mkdtemp(prefix="bb-host-")
    try:
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        applets = subprocess.run([BUSYBOX, "--list"], capture_output=True, text=True,
                                 check=True).stdout.split()
        for a in applets:
            os.symlink(BUSYBOX, os.path.join(bindir, a))
        r = subprocess.run([BUSYBOX, "sh", SESSION, os.path.join(tmp, "w")], cwd=tmp,
                           env={"PATH": bindir}, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=120)
        return r.stdout
    finally:
        shutil.rmtree(tmp)


def _disk():
    stage = tempfile.mkdtemp(prefix="bb-stage-")
    shutil.copy(SESSION, os.path.join(stage, "s.sh"))
    fd, path = tempfile.mkstemp(prefix="ext2-bb-", suffix=".img")
    os.close(fd)
    subprocess.run([ext2img.tool("mke2fs"), "-q", "-F", "-t", "ext2", "-b", "1024", "-d", stage,
                    path, "16M"], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(stage)
    atexit.register(os.unlink, path)  # each scenario boots a copy of it
    return path


def debugfs_cat(img, name):
    return subprocess.run([ext2img.tool("debugfs"), "-R", "cat " + name, img],
                          capture_output=True, text=True).stdout


def compare(want, got, where):
    w, g = mask(want).splitlines(), mask(got).splitlines()
    for i, (a, b) in enumerate(zip(w, g)):
        assert a == b, f"{where}: line {i + 1}: host {a!r}, corvid {b!r}"
    assert len(w) == len(g), (where, len(w), len(g), w[len(g):], g[len(w):])


DISK = _disk()


@scenario(uefi=False, smp=2, cmdline="init=/bin/init", wait_prompt=False, virtio=True,
          disk=DISK, timeout=240)
def busybox_sessions_match_linux(vm):
    boot_to_busybox(vm)
    for where, out in (("/tmp/w", "tmp.out"), ("/mnt/vdb/w", "ext2.out")):
        bb_run(vm, f"sh /mnt/vdb/s.sh {where} > /mnt/vdb/{out} 2>&1; echo rc=$?",
               timeout=150)
    vm.send("poweroff\r")
    assert vm.wait_exit(60) == 0
    ext2img.fsck(vm.disk)
    want = host_session()
    assert want.rstrip().endswith("end"), want
    compare(want, debugfs_cat(vm.disk, "/tmp.out"), "tmpfs")
    compare(want, debugfs_cat(vm.disk, "/ext2.out"), "ext2")


def _ext2_empty():
    fd, path = tempfile.mkstemp(prefix="ext2-bbshape-", suffix=".img")
    os.close(fd)
    subprocess.run([ext2img.tool("mke2fs"), "-q", "-F", "-t", "ext2", path, "8M"], check=True)
    atexit.register(os.unlink, path)
    return path


EMPTY = _ext2_empty()


def _procs(vm):
    """ps -o pid,ppid,pgid,stat,comm rows as tuples, and the header."""
    out = bb_run(vm, "ps -o pid,ppid,pgid,stat,comm").splitlines()
    return out[0].split(), [l.split() for l in out[1:]]


@scenario(uefi=False, smp=2, cmdline="init=/bin/init", wait_prompt=False, virtio=True,
          disk=EMPTY, timeout=150)
def busybox_system_tools_shape(vm):
    boot_to_busybox(vm)
    sh = bb_run(vm, "echo $$").strip()
    # ps: processes under their pids, kernel tasks from 32768 as [name].
    head, rows = _procs(vm)
    assert head == ["PID", "PPID", "PGID", "STAT", "COMMAND"], head
    byname = {r[4]: r for r in rows}
    assert byname["init"][:3] == ["1", "0", "1"], rows
    assert byname["sh"][:3] == [sh, "1", sh], rows
    assert byname["ps"][1] == sh, rows        # its parent is this shell
    assert byname["ps"][3].startswith("R"), rows
    plain = bb_run(vm, "ps").splitlines()
    assert plain[0].split() == ["PID", "USER", "COMMAND"], plain
    assert any(re.match(r"^ *1 root +/bin/init$", l) for l in plain), plain
    assert any(re.match(r"^ *3276[89] root +\[\w+\]$", l) for l in plain), plain
    # /proc/self and the process files.
    assert bb_run(vm, "readlink /proc/self/exe") == "/bin/busybox\n"
    assert bb_run(vm, "cat /proc/self/cmdline | tr '\\0' '|'") == "cat|/proc/self/cmdline|"
    stat = bb_run(vm, "cat /proc/$$/stat").split()
    assert stat[:2] == [sh, "(sh)"] and stat[3:6] == ["1", sh, sh] and len(stat) == 52, stat
    status = bb_run(vm, "cat /proc/$$/status")
    assert f"\nPid:\t{sh}\nPPid:\t1\n" in status and "\nVmRSS:\t" in status, status
    selfpid = bb_run(vm, "sh -c 'echo $$; exec readlink /proc/self'").split()
    assert selfpid[0] == selfpid[1], selfpid
    # /proc/PID/fd, cwd, root, maps, environ as ls, readlink, tty see them.
    fds = bb_run(vm, "ls -l /proc/self/fd").splitlines()
    assert fds[0] == "total 0", fds
    for fd in "012":
        assert any(re.match(rf"^lrwx------ .* {fd} -> /dev/console$", l) for l in fds), fds
    out = bb_run(vm, "ls -l /proc/self/fd 2>/dev/null | grep ' 1 '")
    assert re.match(r"^l-wx------ .* 1 -> pipe:\[\d+\]$", out), out
    out = bb_run(vm, "exec 7>/tmp/gone; rm /tmp/gone; readlink /proc/$$/fd/7")
    assert out == "/tmp/gone (deleted)\n", out
    out = bb_run(vm, "exec 7>&-; ls /proc/$$/fd | xargs")
    assert out == "0 1 10 2\n", out
    assert bb_run(vm, "cd /tmp; readlink /proc/$$/cwd; cd /") == "/tmp\n"
    assert bb_run(vm, "readlink /proc/$$/root") == "/\n"
    assert bb_run(vm, "tty") == "/dev/console\n"
    maps = bb_run(vm, "cat /proc/self/maps").splitlines()
    assert re.match(r"^00400000-[0-9a-f]{8} r--p 00000000 00:\w\w \d+ {20,}/bin/busybox$",
                    maps[0]), maps
    assert maps[-1].endswith(" [stack]"), maps
    out = bb_run(vm, "tr '\\0' '\\n' < /proc/$$/environ")
    assert out.splitlines() == ["PATH=/bin", "HOME=/", "TERM=vt100"], out  # as init gave it
    # tty_nr is /dev/console's (5:1) for the console's session, and tpgid
    # its foreground group: the job reading its own stat; a process that
    # gave the console up has none.
    out = bb_run(vm, "awk '{print $7, $5 == $8}' /proc/self/stat")
    assert out == "1281 1\n", out
    vsize = int(bb_run(vm, "cat /proc/$$/stat").split()[22])
    assert vsize == int(bb_run(vm, "cat /proc/$$/statm").split()[0]) * 4096, vsize
    # free's total is /proc/meminfo's MemTotal; uptime and /proc/stat.
    free = bb_run(vm, "free").splitlines()
    assert free[0].split() == ["total", "used", "free", "shared", "buff/cache", "available"]
    memtotal = re.search(r"MemTotal: +(\d+) kB", bb_run(vm, "cat /proc/meminfo")).group(1)
    assert free[1].split()[:2] == ["Mem:", memtotal], (free, memtotal)
    up = bb_run(vm, "uptime")
    assert re.match(r"^ \d\d:\d\d:\d\d up +\d+ min, +\d+ users?, +load average: "
                    r"\d+\.\d\d, \d+\.\d\d, \d+\.\d\d\n$", up), up
    pstat = bb_run(vm, "cat /proc/stat")
    assert re.match(r"^cpu  \d+ \d+ \d+ \d+ ", pstat) and "\ncpu1 " in pstat, pstat
    assert re.search(r"\nbtime \d+\nprocesses \d+\nprocs_running \d+\n", pstat), pstat
    # df and mount list the disk; mount(2) and umount2(2) work.
    df = bb_run(vm, "df").splitlines()
    assert df[0].split() == ["Filesystem", "1K-blocks", "Used", "Available", "Use%",
                             "Mounted", "on"], df
    assert any(l.split()[-1] == "/mnt/vdb" for l in df[1:]), df
    assert "vdb on /mnt/vdb type ext2 (rw" in bb_run(vm, "mount"), "mount"
    # (Commands stay short: the terminal echo of a long one wraps.)
    assert bb_run(vm, "mkdir /tmp/m; mount -t tmpfs scratch /tmp/m; echo $?") == "0\n"
    out = bb_run(vm, "echo x > /tmp/m/f; mount | grep /tmp/m")
    assert out == "scratch on /tmp/m type tmpfs (rw)\n", out
    assert bb_run(vm, "umount /tmp/m && ls /tmp/m; echo rc=$?") == "rc=0\n"
    out = bb_run(vm, "umount /tmp/m; mount -t nosuchfs none /tmp/m")
    assert "Invalid argument" in out and "No such device" in out, out
    # dmesg reads the kernel log (syslog(2)); id, uname, env, date.
    assert "kmain: boot complete" in bb_run(vm, "dmesg"), "dmesg"
    assert bb_run(vm, "id").startswith("uid=0(root) gid=0(root)")
    assert bb_run(vm, "uname -sm") == "Corvid x86_64\n"
    env = bb_run(vm, "env").splitlines()
    assert "HOME=/root" in env and "PATH=/bin:/sbin:/usr/bin:/usr/sbin" in env, env
    assert re.match(r"^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}\n$", bb_run(vm, "date"))
    assert bb_run(vm, "echo kept > /mnt/vdb/k; sync; cat /mnt/vdb/k") == "kept\n"
    # poweroff -f: reboot(2) at once; the disk is unmounted and clean.
    vm.send("poweroff -f\r")
    assert vm.wait_exit(60) == 0
    assert "powering off" in vm.text()
    ext2img.fsck(vm.disk)
    assert debugfs_cat(vm.disk, "/k") == "kept\n"
