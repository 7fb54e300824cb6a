"""Foundation scenarios: booting under both firmwares, boot commands, the
in-kernel test suite, exception reports, and GDB."""
import re
import subprocess

from harness import ROOT, ScenarioError, scenario


def check_shell_alive(vm):
    out = vm.run("echo still alive")
    assert out.strip() == "still alive", out


@scenario(uefi=False, smp=1)
def boot_bios(vm):
    text = vm.text()
    assert "BIOS" in text and "boot complete" in text, text
    assert vm.run("echo hello world").strip() == "hello world"
    out = vm.run("uptime")
    assert re.search(r"up \d+\.\d{3} s", out), out
    vm.shutdown()


@scenario(uefi=True, smp=1, timeout=90)
def boot_uefi(vm):
    assert "UEFI" in vm.text(), vm.text()
    check_shell_alive(vm)
    vm.shutdown()


@scenario(uefi=False, smp=1, build="release")
def boot_release_build(vm):
    check_shell_alive(vm)
    vm.shutdown()


@scenario(uefi=False, smp=1, cmdline="echo one; echo 'two  words'; echo three")
def boot_commands_run_in_order(vm):
    text = vm.text()
    i1, i2, i3 = text.find("one\n"), text.find("two  words\n"), text.find("three\n")
    assert 0 <= i1 < i2 < i3, text
    vm.shutdown()


@scenario(uefi=False, smp=1, cmdline="test", wait_prompt=False, timeout=120,
          virtio=True, disk=64)
def ktest_suite_bios(vm):
    vm.expect(r"ktest: \d+ passed, 0 failed")
    rc = vm.wait_exit()
    assert rc == 33, f"isa-debug-exit status {rc}, expected 33 (pass)"


@scenario(uefi=False, smp=1)
def int3_resumes(vm):
    out = vm.run("trap int3")
    assert "int3 breakpoint at" in out and "cmd_trap" in out, out
    assert "resumed after int3" in out, out
    check_shell_alive(vm)


@scenario(uefi=False, smp=1)
def fatal_page_fault_report(vm):
    vm.send("trap pf\r")
    vm.expect(r"FATAL EXCEPTION: #14 Page Fault, error code 0x2, RIP [0-9a-f]{16} <raise_page_fault\+0x")
    vm.expect(r"page fault at ffffffff7ff00000: page not present, write access, kernel mode")
    vm.expect(r"CR2=ffffffff7ff00000")
    vm.expect(r"backtrace:")
    vm.expect(r"cmd_trap\+0x")
    vm.expect(r"shell_run_line|run_command")
    vm.expect(r"system halted")


@scenario(uefi=False, smp=1)
def fatal_gp_report(vm):
    vm.send("trap gp\r")
    vm.expect(r"FATAL EXCEPTION: #13 General Protection, error code 0,")
    vm.expect(r"backtrace:")
    vm.expect(r"system halted")


@scenario(uefi=False, smp=1)
def panic_report(vm):
    vm.send("trap ud\r")
    vm.expect(r"FATAL EXCEPTION: #6 Invalid Opcode")
    vm.expect(r"system halted")


def gdb_batch(vm, *commands):
    args = ["gdb", "-q", "-batch", "-nx", "-ex", "set pagination off",
            "-ex", f"target remote 127.0.0.1:{vm.gdb_port}"]
    for c in commands:
        args += ["-ex", c]
    args.append(f"{ROOT}/build/debug/corvid.elf")
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=60).stdout
    except subprocess.TimeoutExpired as e:
        raise ScenarioError(f"gdb timed out: {e.stdout}")


@scenario(uefi=False, smp=1, gdb=True, wait_prompt=False, timeout=90)
def gdb_hbreak_kmain(vm):
    out = gdb_batch(vm, "hbreak kmain", "continue", "bt", "info registers rip", "kill")
    assert re.search(r"Breakpoint 1, kmain", out), out
    assert re.search(r"#0\s+kmain", out), out
    assert re.search(r"rip\s+0xffffffff8", out), out


@scenario(uefi=False, smp=1, gdb=True, wait_prompt=False, timeout=90)
def bad_multiboot_magic_halts(vm):
    # Enter the kernel with a wrong magic in EAX: it must say so and halt.
    out = gdb_batch(vm, "hbreak _start", "continue", "set $eax = 0x12345678",
                    "delete", "detach")
    assert "_start" in out, out
    vm.expect(r"corvid: not started by a Multiboot2 loader \(bad magic in EAX\); halting\.",
              timeout=30)
