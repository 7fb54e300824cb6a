"""More of the shell's file commands (issue 13, "Shell commands"): '>' and
'>>' redirection of a command's output into a file and its errors, cp and
cp -r (into itself refused), ls -R, and Tab completion of paths. One VM
(BIOS, smp=2)."""
import re

from harness import fails, ok, scenario, status

PROMPT = r"corvid> "


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
    # The status is the command's own; errors and usage stay on the console.
    fails(vm, "cat nosuch > err", "cat: nosuch: No such file or directory", code=1)
    assert ok(vm, "cat err") == ""
    fails(vm, "cp > err", "usage: cp [-r] SRC DST", code=2)
    assert ok(vm, "cat err") == ""
    # A target that cannot be opened: the command does not run.
    fails(vm, "echo hi > /nodir/f", "sh: /nodir/f: No such file or directory")
    fails(vm, "echo hi > /r", "sh: /r: Is a directory")
    # Syntax errors refuse the whole line with status 2.
    fails(vm, "echo > ", "syntax error: no file name after '>'", code=2)
    fails(vm, "echo ran; echo a > b > c", "only one", code=2)
    assert "ran" not in vm.run("echo ran; echo >")
    # A background job writes into its own file, while the shell
    # redirects too; its "done" line still reaches the console.
    vm.send("prime 300000 > p &\r")
    vm.expect(r"\[(\d+)\] prime started")
    vm.expect(PROMPT)
    ok(vm, "echo meanwhile > m")
    vm.expect(r"\[\d+\] done: prime \(status 0\)", timeout=60)
    out = ok(vm, "cat p")
    assert "prime 300000 = 4256233 (" in out, out
    assert ok(vm, "cat m") == "meanwhile\n"
    fails(vm, "echo x > /nodir/x &", "sh: /nodir/x: No such file or directory")


def copying(vm):
    ok(vm, "mkdir -p /c/t/sub/deep; cd /c")
    ok(vm, "write t/one 1; write t/sub/two 2 2; write t/sub/deep/three 3")
    ok(vm, "ln -s one t/link")
    ok(vm, "cp t/one copy")
    assert ok(vm, "cat copy") == "1\n"
    ok(vm, "cp /etc/motd t")                      # into a directory
    assert ok(vm, "cat t/motd") == ok(vm, "cat /etc/motd")
    assert "-rw-r--r--" in ok(vm, "ls -l t/motd")  # mode kept
    fails(vm, "cp t u", "cp: t: Is a directory")
    fails(vm, "cp nosuch x", "cp: nosuch: No such file or directory")
    fails(vm, "cp one", "usage: cp [-r] SRC DST", code=2)
    fails(vm, "cp copy copy", "same file")
    ok(vm, "cp -r t u")
    assert ok(vm, "cat u/sub/deep/three") == "3\n"
    assert ok(vm, "cat u/link") == "1\n"          # a symlink again, to one
    assert "link -> one" in ok(vm, "ls -l u")
    assert ok(vm, "ls -R u") == ("u:\nlink\nmotd\none\nsub\n\nu/sub:\ndeep\ntwo\n"
                                 "\nu/sub/deep:\nthree\n")
    ok(vm, "mkdir v; cp -r t v")                  # into an existing directory
    assert ok(vm, "cat v/t/sub/two") == "2 2\n"
    fails(vm, "cp -r t t", "cannot copy directory t into itself")
    fails(vm, "cp -r t t/sub/deep", "into itself")
    fails(vm, "cp -r /c /c/u/x", "into itself")
    fails(vm, "cd t; cp -r . sub", "into itself")
    ok(vm, "cd /c")
    out = ok(vm, "ls -R")
    assert out.startswith(".:\ncopy\nt\nu\nv\n\n./t:\n"), out
    assert "\n./v/t/sub/deep:\nthree\n" in out, out
    fails(vm, "ls -R nosuch", "ls: nosuch: No such file or directory")
    # Deep trees: both stop 32 levels down with a message, not a crash.
    deep = "/".join(["d"] * 40)
    ok(vm, "mkdir -p /deep/" + deep)
    fails(vm, "ls -R /deep", "more than 32 levels deep; not listed")
    fails(vm, "cp -r /deep /deep2", "more than 32 levels deep; not copied")
    ok(vm, "rm -r /deep /deep2")


def completion(vm):
    ok(vm, "cd /c")
    vm.send("cat u/sub/de\t")                 # a directory: "deep/", no space
    vm.send("th\t\r")                         # unique file: "three "
    vm.expect(r"cat u/sub/deep/three \n3\n")
    vm.expect(PROMPT)
    vm.send("cat /c/u/\t")                     # ambiguous: the names listed
    vm.expect(r"link\s+motd\s+one\s+sub/\s*\n")
    vm.send("m\t\r")
    vm.expect(r"cat /c/u/motd \n")
    vm.expect(PROMPT)
    vm.send("echo x >co\t\r")                 # after '>'
    vm.expect(PROMPT)
    assert ok(vm, "cat copy") == "x\n"
    vm.send("cd u/s\t\r")
    vm.expect(PROMPT)
    assert ok(vm, "pwd").strip() == "/c/u/sub"


@scenario(uefi=False, smp=2, timeout=90)
def fs_shell2(vm):
    out = vm.run("test fs_redirect")
    assert re.search(r"ktest: 2 passed, 0 failed", out), out
    redirection(vm)
    copying(vm)
    completion(vm)
    vm.shutdown()
