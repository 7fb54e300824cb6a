"""BusyBox as the shell (issue 17): `init=/bin/init`, what `make run`
boots, ends at BusyBox sh's prompt on the console with job control; a
shell that exits is started again; `poweroff` (which signals init),
`poweroff -f` and `reboot -f` (reboot(2) directly) end QEMU with the disks
unmounted and clean, checked by e2fsck on the host."""
import atexit
import os
import subprocess
import tempfile

import ext2img
from harness import scenario

BB_PROMPT = r"corvid:[^\n]*# $"


def bb_run(vm, cmd, timeout=30):
    """Type @cmd at BusyBox sh's prompt; its output up to the next prompt."""
    start = vm.pos
    vm.send(cmd + "\r")
    m = vm.expect(BB_PROMPT, timeout)
    out = vm.text()[start:m.start()]
    nl = out.find("\n")
    out = out[nl + 1:] if nl >= 0 else ""
    return out.rsplit("\n", 1)[0] + "\n" if "\n" in out else out


def boot_to_busybox(vm):
    vm.expect(r"init=/bin/init: running as pid 1", timeout=60)
    vm.expect(r"built-in shell \(ash\)", timeout=60)
    vm.expect(BB_PROMPT, timeout=60)
    bb_run(vm, "true")  # a first-run log line (a missing call) is not output


def _ext2():
    fd, path = tempfile.mkstemp(prefix="ext2-init-", suffix=".img")
    os.close(fd)
    subprocess.run([ext2img.tool("mke2fs"), "-q", "-F", "-t", "ext2", path, "8M"], check=True)
    return path


EXT2 = _ext2()
atexit.register(os.unlink, EXT2)  # each scenario boots a copy of it


def _clean(path):
    out = subprocess.run([ext2img.tool("dumpe2fs"), "-h", path], capture_output=True,
                         text=True).stdout
    assert "Filesystem state:         clean" in out, out
    ext2img.fsck(path)


@scenario(uefi=False, smp=2, cmdline="init=/bin/init", wait_prompt=False, virtio=True,
          disk=EXT2, timeout=120)
def init_runs_busybox_sh_then_poweroff(vm):
    boot_to_busybox(vm)
    assert bb_run(vm, "echo $((6 * 7)) $0") == "42 -sh\n"
    # A login shell: /etc/profile set PATH and HOME.
    assert bb_run(vm, "echo $PATH; pwd") == "/bin:/sbin:/usr/bin:/usr/sbin\n/root\n"
    # The console is the session's controlling terminal, the shell its
    # foreground group: job control is on.
    # (SIGKILL: ash's child ignores SIGTERM, as the interactive shell
    # does, until it has set up its signals; a kill typed at once after
    # the & can land before that, on Linux too when the child is slow.)
    bb_run(vm, "sleep 30 &")
    assert "[1]+  Running" in bb_run(vm, "jobs")
    out = bb_run(vm, "kill -9 %1; wait; echo done")
    assert out.startswith("done\n") and "Killed" in out, out
    # A shell that ends is replaced by a new one.
    vm.send("exit\r")
    vm.expect(r"init: /bin/sh exited with status 0", timeout=30)
    vm.expect(BB_PROMPT, timeout=60)
    assert bb_run(vm, "echo $$ > /mnt/vdb/pid; cat /mnt/vdb/pid") != ""
    # poweroff signals init (SIGUSR2), which ends everything and calls
    # reboot(2): the disk is unmounted and clean.
    vm.send("poweroff\r")
    vm.expect(r"init: powering off", timeout=30)
    assert vm.wait_exit(60) == 0
    assert "reboot: pid 1: powering off" in vm.text()
    _clean(vm.disk)


@scenario(uefi=False, smp=1, cmdline="init=/bin/init", wait_prompt=False, virtio=True,
          disk=EXT2, timeout=90)
def init_reboot_f_leaves_disks_clean(vm):
    boot_to_busybox(vm)
    bb_run(vm, "echo written > /mnt/vdb/note; ls /mnt/vdb")
    vm.send("reboot -f\r")   # reboot(2) at once; QEMU runs with -no-reboot
    assert vm.wait_exit(60) == 0
    assert "restarting" in vm.text()
    _clean(vm.disk)
    out = subprocess.run([ext2img.tool("debugfs"), "-R", "cat /note", vm.disk],
                         capture_output=True, text=True).stdout
    assert out == "written\n", out
