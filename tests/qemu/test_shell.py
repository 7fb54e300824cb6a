"""Shell scenarios driven over the serial port (issue 7).

Each scenario boots to the prompt and types at it like a user would: line
editing with arrow keys, Tab completion, history recall, quoting, exit
statuses, ^C, an over-long pasted line, and the inspection commands with
good and bad arguments. Output is compared with ANSI sequences stripped by
the harness, so the checks hold with colours on or off.
"""
import re

from harness import scenario

LEFT = "\x1b[D"
UP = "\x1b[A"
BACKSPACE = "\x7f"
CTRL_C = "\x03"
PROMPT = r"corvid> "


def keys(vm, text):
    """Send raw keys that end a line, and wait for the next prompt."""
    vm.send(text)
    return vm.expect(PROMPT)


@scenario(uefi=False, smp=1, mem="2G", timeout=60)
def shell_line_editing(vm):
    # A typo fixed with Left arrows and Backspace: "prine 25" -> "prime 25".
    vm.send("prine 25" + LEFT * 4 + BACKSPACE + "m\r")
    vm.expect(r"prime 25 = 97\b")
    vm.expect(PROMPT)
    # Home and End (three encodings each) around an insertion.
    # (Not Ctrl-A: QEMU's -nographic console takes it as its escape key;
    # the host unit tests cover Ctrl-A.)
    for home, end in (("\x1b[H", "\x1b[F"), ("\x1b[1~", "\x1b[4~"), ("\x1bOH", "\x1bOF")):
        vm.send("cho mid" + home + "e" + end + "-end\r")
        vm.expect(r"\nmid-end\n")
        vm.expect(PROMPT)
    vm.send("echo abXc" + LEFT * 2 + "\x1b[3~" + "\r")   # Delete under the cursor
    vm.expect(r"\nabc\n")
    vm.expect(PROMPT)
    # Ctrl-U kills the line typed so far; Ctrl-W the last word.
    vm.send("garbage words\x15echo kept dropme\x17\r")
    vm.expect(r"\nkept\s*\n")
    vm.expect(PROMPT)
    # Unknown escape sequences and control bytes are swallowed, not echoed.
    vm.send("echo cl\x1b[99z\x1b[?25h\x07ean\r")
    vm.expect(r"\nclean\n")
    vm.expect(PROMPT)
    vm.shutdown()


@scenario(uefi=False, smp=1, mem="2G", timeout=60)
def shell_tab_completion(vm):
    vm.send("pri\t")
    vm.send("30\r")                      # Tab added "me "
    vm.expect(r"prime 30 = 113\b")
    vm.expect(PROMPT)
    keys(vm, "log d\t\r")                # sub-command completion: log debug
    out = vm.run("log")
    assert "debug" in out, out
    vm.run("log info")
    vm.send("h\t")                       # ambiguous: help, hexdump, history listed
    vm.expect(r"help\s+hexdump\s+history\s*\n")
    keys(vm, CTRL_C)
    vm.shutdown()


@scenario(uefi=False, smp=1, mem="2G", timeout=60)
def shell_history_recall(vm):
    out = vm.run("prime 6")
    assert "prime 6 = 13" in out, out
    vm.run("echo between")
    vm.send(UP + UP + "\r")              # two back: prime 6 again
    vm.expect(r"prime 6 = 13")
    vm.expect(PROMPT)
    out = vm.run("history")
    assert re.search(r"\d+\s+prime 6", out) and "echo between" in out, out
    vm.shutdown()


@scenario(uefi=False, smp=1, mem="2G", timeout=60)
def shell_status_and_quoting(vm):
    out = vm.run("nosuchcommand")
    assert "nosuchcommand: command not found" in out, out
    assert vm.run("echo $?").strip() == "127"
    out = vm.run("log bogus")
    assert "usage: log" in out, out
    assert vm.run("echo $?").strip() == "2"
    assert vm.run("echo $?").strip() == "0"  # echo itself succeeded
    out = vm.run("echo 'a  b' \"c;d\" x\\ y; echo second")
    assert "a  b c;d x y\nsecond" in out, out
    out = vm.run("echo 'unterminated")
    assert "unterminated quote" in out, out
    assert vm.run("echo \"status $?\"").strip() == "status 2"
    vm.shutdown()


@scenario(uefi=False, smp=1, mem="2G", timeout=90)
def shell_long_line_refused(vm):
    vm.send("a" * 10000 + "\r")
    vm.expect(r"line too long \(10000 characters, at most 511\)", timeout=60)
    vm.expect(r"corvid> ")
    assert vm.run("echo still alive").strip() == "still alive"
    assert vm.run("echo $?").strip() == "0"
    vm.shutdown()


@scenario(uefi=False, smp=1, mem="2G", timeout=60)
def shell_ctrl_c(vm):
    keys(vm, "echo never" + CTRL_C)      # abandons the line
    assert vm.run("echo $?").strip() == "130"
    vm.send("sleep 600000\r")            # ten minutes, stopped by ^C
    vm.expect(r"sleep 600000\r?\n")
    vm.send(CTRL_C)
    vm.expect(r"sleep: interrupted after \d+ ms")
    vm.expect(PROMPT)
    assert vm.run("echo $?").strip() == "130"
    vm.send("prime 100000000\r")
    vm.expect(r"prime 100000000\r?\n")
    vm.send(CTRL_C)
    vm.expect(r"prime: interrupted")
    vm.expect(PROMPT)
    vm.shutdown()


@scenario(uefi=False, smp=1, mem="2G", timeout=90)
def shell_prime(vm):
    out = vm.run("prime 2000", timeout=30)
    assert "prime 2000 = 17389" in out, out
    # The job's lines may come before or after the prompt, and even before
    # "started" (the job can finish before the shell prints it).
    vm.send("prime 2000 &\r")
    vm.expect_all([r"\[\d+\] prime started", r"prime 2000 = 17389",
                   r"\[\d+\] done: prime \(status 0\)"], timeout=60)
    # The shell reprints its prompt after the job's line, maybe after this
    # command is sent: wait for the command's own output, not a prompt.
    vm.send("echo after-the-job\r")
    vm.expect(r"^after-the-job\r?$", timeout=30)
    vm.shutdown()


# Every inspection command with a wrong argument: usage, status 2, no crash.
BAD_ARGS = ["help a b", "clear x", "history x", "color purple", "log nope",
            "cpu x", "regs x", "bootinfo nope", "sleep abc", "sleep -1",
            "prime 0", "prime x", "prime 100000001", "uptime x"]


@scenario(uefi=False, smp=1, mem="2G", timeout=90)
def shell_inspection_commands(vm):
    out = vm.run("help")
    for word in ("shell", "arch", "help", "prime", "bootinfo", "regs"):
        assert word in out, (word, out)
    assert "usage: prime N" in vm.run("help prime")
    assert "no command" in vm.run("help nosuch")
    out = vm.run("cpu")
    assert re.search(r"vendor\s+\S+", out) and " lm " in out + " ", out
    out = vm.run("regs")
    assert re.search(r"cr0\s+0x[0-9a-f]{16}\s+PE.*PG", out), out
    assert re.search(r"efer\s+0x[0-9a-f]{16}.*LMA", out), out
    out = vm.run("bootinfo")
    assert "memory map" in out and "usable" in out and "cmdline" in out, out
    assert "loader" in vm.run("bootinfo loader")
    assert "0x" in vm.run("bootinfo mmap")
    # GRUB loads the initramfs (rootfs/ packed by the build) as a module.
    out = vm.run("bootinfo modules")
    assert re.search(r"modules 1\n\s+0x[0-9a-f]+-0x[0-9a-f]+ 'initramfs'", out), out
    out = vm.run("color")
    assert "color auto" in out, out
    for cmd in BAD_ARGS:
        out = vm.run(cmd)
        assert "usage:" in out, (cmd, out)
        assert vm.run("echo $?").strip() == "2", cmd
    assert vm.run("echo alive").strip() == "alive"
    vm.shutdown()
