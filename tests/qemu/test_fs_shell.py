"""The shell's file commands (issue 13, "Shell commands"): each command with
good and bad arguments on the root tmpfs unpacked from rootfs/, sizes
checked against the host's copy, and a size-limited tmpfs mounted, filled
to "No space left on device", refused while busy and unmounted. Two VMs
(BIOS, smp=2): one for files and directories, one for mounts and usage."""
import os
import re
import zlib

from harness import ROOT, fails, ok, scenario, status

MOTD_SIZE = os.path.getsize(os.path.join(ROOT, "rootfs", "etc", "motd"))
with open(os.path.join(ROOT, "rootfs", "etc", "motd"), "rb") as _f:
    MOTD_CRC = zlib.crc32(_f.read())


@scenario(uefi=False, smp=2, timeout=90)
def fs_shell_files(vm):
    assert ok(vm, "pwd").strip() == "/"
    assert ok(vm, "cat /etc/hostname").strip() == "corvid"
    assert "etc" in ok(vm, "ls /").split()
    out = ok(vm, "ls -l /etc")
    assert re.search(r"-rw-r--r--\s+1 \d+ \d+\s+%d \d{4}-\d\d-\d\d \d\d:\d\d motd\n" % MOTD_SIZE,
                     out), out
    assert re.search(r"hostname\n[^\n]*motd", out, re.S), out   # sorted by name
    ETC = sorted(os.listdir(os.path.join(ROOT, "rootfs", "etc")))
    assert ok(vm, "ls /etc").split() == ETC
    assert ok(vm, "ls -a /etc").split()[:2] == [".", ".."]
    assert ok(vm, "ls /etc/motd /etc") == "/etc/motd\n/etc:\n" + "".join(n + "\n" for n in ETC)
    out = ok(vm, "stat /etc/motd")
    assert re.search(r"Size: %d\s" % MOTD_SIZE, out), out
    assert "regular file" in out and "Access: (0644/-rw-r--r--)" in out, out
    assert re.search(r"Modify: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}", out), out
    assert ok(vm, "crc32 /etc/motd") == "%08x %d /etc/motd\n" % (MOTD_CRC, MOTD_SIZE)
    fails(vm, "crc32 /etc/motd /nope", "crc32: /nope: No such file or directory")
    out = ok(vm, "hexdump -s 2 -n 3 /etc/hostname")
    assert re.match(r"^00000002  72 76 69 +\|rvi\|\n00000005\n$", out), out
    out = ok(vm, "hexdump /etc/hostname")
    assert "00000000  63 6f 72 76 69 64 0a" in out and "|corvid.|" in out, out
    assert out.strip().endswith("00000007"), out

    # Directories, relative paths, cd.
    ok(vm, "mkdir /work")
    ok(vm, "cd /work")
    assert ok(vm, "pwd").strip() == "/work"
    ok(vm, "mkdir -p a/b/c")
    ok(vm, "mkdir -p a/b/c")                      # existing: still fine
    assert ok(vm, "ls a/b").split() == ["c"]
    ok(vm, "cd a/b/c")
    assert ok(vm, "pwd").strip() == "/work/a/b/c"
    ok(vm, "cd ../..")
    assert ok(vm, "pwd").strip() == "/work/a"
    ok(vm, "cd")
    assert ok(vm, "pwd").strip() == "/"
    ok(vm, "cd work")

    # write, cat, touch, mv, links.
    ok(vm, "write note hello   file 'two  spaces'")
    assert ok(vm, "cat note") == "hello file two  spaces\n"
    assert re.search(r"Size: 23\s", ok(vm, "stat note"))
    ok(vm, "touch empty note")
    assert "regular empty file" in ok(vm, "stat empty")
    ok(vm, "mv note a/moved")
    fails(vm, "cat note", "cat: note: No such file or directory")
    assert ok(vm, "cat a/moved").startswith("hello file")
    ok(vm, "mv a/moved a/b")                      # into a directory
    assert ok(vm, "ls a/b").split() == ["c", "moved"]
    ok(vm, "mkdir a/sub")
    ok(vm, "mv a/sub/ a/b")                       # trailing slash: into a/b/sub
    assert ok(vm, "ls a/b").split() == ["c", "moved", "sub"]
    ok(vm, "ln -s /work/a/b/moved sym")
    out = ok(vm, "ls -l")
    assert re.search(r"lrwxrwxrwx .* sym -> /work/a/b/moved\n", out), out
    assert ok(vm, "cat sym").startswith("hello file")
    assert "symbolic link" in ok(vm, "stat sym")
    ok(vm, "ln a/b/moved hard")
    assert re.search(r"Links: 2\b", ok(vm, "stat hard"))
    assert ok(vm, "ls").split() == ["a", "empty", "hard", "sym"]

    # Refusals, each as "CMD: PATH: message" with status 1.
    fails(vm, "rmdir a", "rmdir: a: Directory not empty")
    fails(vm, "cat a", "cat: a: Is a directory")
    fails(vm, "cd empty", "cd: empty: Not a directory")
    fails(vm, "cd /nowhere", "cd: /nowhere: No such file or directory")
    fails(vm, "mkdir a", "mkdir: a: File exists")
    fails(vm, "rm a", "rm: a: Is a directory")
    fails(vm, "ls /nowhere", "ls: /nowhere: No such file or directory")
    fails(vm, "stat /nowhere", "stat: /nowhere: No such file or directory")
    fails(vm, "hexdump a", "hexdump: a: Is a directory")
    fails(vm, "mv a a/b", "mv: a: Invalid argument")
    fails(vm, "ln a linkdir", "ln: linkdir: Operation not permitted")
    fails(vm, "write empty/x y", "write: empty/x: Not a directory")
    fails(vm, "write a y", "write: a: Is a directory")
    fails(vm, "mkdir -p empty/x", "mkdir: empty/x: Not a directory")
    fails(vm, "ln -s x sym", "ln: sym: File exists")

    # Odd input: empty names, a symlink loop, a huge mkdir -p.
    for cmd in ("cat ''", "ls ''", "cd ''", "stat ''", "rm ''", "rm -r ''", "mkdir -p ''",
                "rmdir ''", "touch ''", "mv '' x", "hexdump ''"):
        fails(vm, cmd, ": No such file or directory")
    ok(vm, "ln -s loop loop")
    fails(vm, "cat loop", "cat: loop: Too many levels of symbolic links")
    assert "loop -> loop" in ok(vm, "ls -l")
    fails(vm, "ls loop/x", "ls: loop/x: Too many levels of symbolic links")
    ok(vm, "rm loop")
    fails(vm, "mkdir -p x/" + "n" * 300, "File name too long")
    fails(vm, "write " + "n" * 300 + " text", "File name too long")
    ok(vm, "mkdir -p " + "/".join(["d"] * 240))   # deep: rm -r uses no recursion
    ok(vm, "rm -r d x")

    # rm, rm -r, rmdir.
    ok(vm, "rm sym hard empty")
    ok(vm, "rm -r a")
    assert ok(vm, "ls") == ""
    ok(vm, "mkdir d")
    ok(vm, "rmdir d")
    fails(vm, "rmdir d", "rmdir: d: No such file or directory")
    ok(vm, "cd /")
    ok(vm, "rmdir work")
    vm.shutdown()


USAGE = ["pwd x", "cd a b", "ls -z", "cat", "mkdir", "mkdir -p", "rmdir", "rm", "rm -r",
         "write", "write f", "touch", "stat", "stat a b", "mv a", "ln a", "ln -s a",
         "mount -t tmpfs none", "mount a b c", "mount -x y none /mnt", "mount none /mnt -t", "umount",
         "df x", "crc32", "hexdump", "hexdump a b", "hexdump -s x f", "hexdump -n 1", "cp", "cp a", "cp -r a", "cp a b c"]


@scenario(uefi=False, smp=2, timeout=120)
def fs_shell_mounts(vm):
    out = ok(vm, "mount")
    assert re.search(r"^\S+ on / type tmpfs \(rw\)$", out, re.M), out
    out = ok(vm, "df")
    assert re.search(r"^\S+\s+\d+\s+\d+\s+\d+ /$", out, re.M), out

    ok(vm, "mkdir /mnt2")
    ok(vm, "mount -t tmpfs -o size=64k none /mnt2")
    out = ok(vm, "mount")
    assert "none on /mnt2 type tmpfs (rw,size=64k)" in out, out
    m = re.search(r"^none\s+(\d+)\s+(\d+)\s+(\d+) /mnt2$", ok(vm, "df"), re.M)
    assert m and int(m.group(1)) == 64, m
    fails(vm, "mount -t nosuchfs none /mnt2", "mount: /mnt2: No such device")
    fails(vm, "mount -t tmpfs -o bogus none /mnt2", "mount: /mnt2: Invalid argument")
    fails(vm, "mount -t tmpfs none /etc/motd", "mount: /etc/motd: Not a directory")
    fails(vm, "mount none /mnt2", "mount: none: no such block device")
    ok(vm, "mkdir /mnt3")
    ok(vm, "mount none /mnt3 -o size=8k -t tmpfs")
    assert "none on /mnt3 type tmpfs (rw,size=8k)" in ok(vm, "mount")
    ok(vm, "umount /mnt3")

    # Fill it to ENOSPC, then recover by removing a file.
    text = "x" * 400
    for i in range(400):
        out = vm.run("write /mnt2/f%d %s" % (i, text))
        if "No space left on device" in out:
            assert out.startswith("write: /mnt2/f%d: No space left" % i), out
            assert status(vm) == 1
            break
        assert out == "", out
    else:
        raise AssertionError("a 64k tmpfs never filled")
    ok(vm, "rm /mnt2/f0")
    ok(vm, "write /mnt2/again fits")
    assert ok(vm, "cat /mnt2/again") == "fits\n"

    # rm -r empties the mounted filesystem but cannot remove its mount point.
    fails(vm, "rm -r /mnt2", "rm: /mnt2: Device or resource busy")
    assert ok(vm, "ls -a /mnt2").split() == [".", ".."]
    ok(vm, "write /mnt2/again fits")

    # Busy while it is the working directory; then unmounted.
    ok(vm, "cd /mnt2")
    fails(vm, "umount /mnt2", "umount: /mnt2: busy")
    assert ok(vm, "pwd").strip() == "/mnt2"
    ok(vm, "cd /")
    ok(vm, "umount /mnt2")
    assert ok(vm, "ls /mnt2") == ""
    assert "/mnt2" not in ok(vm, "mount")
    fails(vm, "umount /mnt2", "umount: /mnt2: Invalid argument")
    fails(vm, "umount /nowhere", "umount: /nowhere: No such file or directory")
    fails(vm, "umount /", "umount: /: Invalid argument")

    # A removed working directory: commands fail cleanly, cd gets out.
    ok(vm, "mkdir /gone")
    ok(vm, "cd /gone")
    ok(vm, "rmdir /gone")
    fails(vm, "touch f", "touch: f: No such file or directory")
    ok(vm, "cd /")

    assert re.search(r"ktest: \d+ passed, 0 failed", vm.run("test shell"))
    assert "usage: ls [-l] [-a] [-R] [PATH...]" in vm.run("help ls")
    for cmd in USAGE:
        out = vm.run(cmd)
        assert "usage:" in out, (cmd, out)
        assert status(vm) == 2, cmd
    vm.shutdown()
