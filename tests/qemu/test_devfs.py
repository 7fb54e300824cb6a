"""devfs at /dev (issue 13, "devfs"): `ls -l /dev` shows the character
devices and the disks with their types, `write` to /dev/null succeeds and
to /dev/full fails with "No space left on device", `cat /dev/null` prints
nothing, `cat /dev/kmsg` shows the boot log, `rm /dev/null` is refused,
and text written to /dev/vdb (the scratch disk) at offset 0
reaches the disk image on the host after `sync`. hexdump has no length
limit, so /dev/zero is left to the ktests. One VM (BIOS, virtio, 8 MiB
scratch disk), which also runs the devfs ktests."""
import re

from harness import scenario, status


@scenario(uefi=False, smp=2, virtio=True, disk=8)
def devfs_shell(vm):
    out = vm.run("ls -l /dev")
    for name in ("null", "zero", "full", "random", "urandom", "console", "kmsg"):
        assert re.search(r"^c[rw-]{9}.*\b%s$" % name, out, re.M), (name, out)
    assert re.search(r"^crw-rw-rw-.*\bnull$", out, re.M), out
    assert re.search(r"^crw-------.*\bkmsg$", out, re.M), out
    assert re.search(r"^brw-rw----.*\bvdb$", out, re.M), out
    vm.run("write /dev/null x")
    assert status(vm) == 0
    out = vm.run("write /dev/full x")
    assert "No space left on device" in out, out
    assert status(vm) != 0
    assert vm.run("cat /dev/null").strip() == ""
    assert status(vm) == 0
    assert "devfs: mounted at /dev" in vm.run("cat /dev/kmsg")
    # The console reads what is typed (raw until the terminal layer):
    # Enter reads as a newline, ^D at the start of a read ends the file.
    vm.send("cat /dev/console > /tmp/typed\r")
    vm.expect("cat /dev/console > /tmp/typed")      # the shell's echo of the line
    vm.send("typed line\r")
    vm.send("\x04")
    vm.wait_prompt()
    assert status(vm) == 0
    assert vm.run("cat /tmp/typed") == "typed line\n"
    out = vm.run("rm /dev/null")
    assert "Operation not permitted" in out, out
    assert status(vm) != 0
    vm.run("write /dev/vdb corvid devfs")
    assert status(vm) == 0
    vm.run("sync")
    with open(vm.disk, "rb") as f:
        assert f.read(13) == b"corvid devfs\n"
    out = vm.run("test devfs")
    assert re.search(r"ktest: \d+ passed, 0 failed", out), out
