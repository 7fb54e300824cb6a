"""More of the shell's file commands (issue 13, "Shell commands"): '>' and
'>>' redirection of a command's output into a file, and its errors. One VM
(BIOS, smp=2)."""
from harness import scenario


def status(vm):
    return int(vm.run("echo $?").strip())


def ok(vm, cmd):
    """Run @cmd, which must succeed; return its output."""
    out = vm.run(cmd)
    assert status(vm) == 0, (cmd, out)
    return out


def fails(vm, cmd, message, code=1):
    """Run @cmd, which must print @message and give status @code."""
    out = vm.run(cmd)
    assert message in out, (cmd, out)
    assert status(vm) == code, (cmd, out)
    return out


def redirection(vm):
    ok(vm, "mkdir /r")
    ok(vm, "cd /r")
    assert ok(vm, "echo hi > f") == ""            # nothing on the console
    assert ok(vm, "cat f") == "hi\n"
    ok(vm, "echo a >> f")
    assert ok(vm, "cat f") == "hi\na\n"
    ok(vm, "echo new > f")                        # '>' truncates
    assert ok(vm, "cat /r/f") == "new\n"
    ok(vm, "echo x>g; echo y>>g")                 # no blanks needed
    assert ok(vm, "cat g") == "x\ny\n"
    ok(vm, "ls > listing")
    assert ok(vm, "cat listing").split() == ["f", "g", "listing"]
    ok(vm, "echo '>' \">>\" > q")                 # quoted: plain words
    assert ok(vm, "cat q") == "> >>\n"
    # The status is the command's own.
    fails(vm, "cat nosuch > err", "", code=1)
    assert "nosuch" in ok(vm, "cat err")
    # A target that cannot be opened: the command does not run.
    fails(vm, "echo hi > /nodir/f", "sh: /nodir/f: No such file or directory")
    fails(vm, "echo hi > /r", "sh: /r: Is a directory")
    # Syntax errors refuse the whole line with status 2.
    fails(vm, "echo > ", "syntax error: no file name after '>'", code=2)
    fails(vm, "echo ran; echo a > b > c", "only one", code=2)
    assert "ran" not in vm.run("echo ran; echo >")
    fails(vm, "echo x > f &", "not supported", code=1)
    assert ok(vm, "cat f") == "new\n"             # untouched by the refusal


@scenario(uefi=False, smp=2, timeout=90)
def fs_shell2(vm):
    redirection(vm)
    vm.shutdown()
