"""Threads (issue 17): /bin/threadtest runs musl pthreads (mutexes,
condition variables, TLS, pthread_exit, exit from a thread, robust
mutexes, raw futexes with timeouts and requeue, a futex in MAP_SHARED
memory between two processes, tgkill, process-directed signals, exec from
a thread); its output on Corvid must equal the same binary's on the
host's Linux, on one CPU and on four. Then the Corvid-only parts: a thread
bomb hits PROC_THREAD_MAX, and thread create/join rounds leak nothing."""
import os
import re

from harness import ROOT, scenario, status
from userprog import host_run, program_output, used_pages

THREADTEST = os.path.join(ROOT, "build", "user", "threadtest")


def host_output():
    return host_run([THREADTEST], timeout=120, done="== done")


def differential(vm):
    host = host_output()
    out = vm.run("exec /bin/threadtest", timeout=200)
    assert program_output(out) == host, (program_output(out), host)
    assert status(vm) == 0
    vm.shutdown()


@scenario(uefi=False, smp=4, timeout=240)
def thread_differential_smp4(vm):
    differential(vm)


@scenario(uefi=False, smp=1, timeout=240)
def thread_differential_smp1(vm):
    differential(vm)


@scenario(uefi=False, smp=4, mem="512M", timeout=240)
def thread_bomb_hits_the_cap(vm):
    out = vm.run("exec /bin/threadtest bomb", timeout=200)
    m = re.search(r"bomb: pthread_create failed with Resource temporarily unavailable "
                  r"after (\d+) threads", out)
    assert m and 400 <= int(m.group(1)) < 512, out
    assert "bomb: all joined" in out, out
    assert vm.run("exec /bin/hello") == "hello, world\n"
    vm.shutdown()


@scenario(uefi=False, smp=4, mem="512M", timeout=240)
def thread_rounds_leak_nothing_smp4(vm):
    # Warm the caches: four threads at a time on four CPUs leave the
    # kernel-stack and slab caches a few pages bigger the first times.
    for _ in range(2):
        vm.run("exec /bin/threadtest churn 300", timeout=100)
    before = used_pages(vm)
    out = vm.run("exec /bin/threadtest churn 300", timeout=200)
    assert "churn: 300 rounds" in out, out
    after = used_pages(vm)
    # 1200 threads: a page each leaked would show as hundreds
    assert abs(after - before) <= 16, (before, after)
    vm.shutdown()
