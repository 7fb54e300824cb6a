#!/usr/bin/env python3
"""Run Corvid's QEMU scenarios.

Usage: run.py [--elf KERNEL.elf] [--jobs N] [--results FILE] [NAME-SUBSTRING...]
Loads every tests/qemu/test_*.py, runs the scenarios whose names contain one
of the given substrings (all if none), prints "PASS qemu/<name> (time)" or
"FAIL qemu/<name>: reason" per scenario and appends the same first word and
name to FILE. Exit status is nonzero when anything failed.
"""
import argparse
import concurrent.futures
import glob
import importlib.util
import os
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def load_all():
    here = os.path.dirname(os.path.abspath(__file__))
    for path in sorted(glob.glob(os.path.join(here, "test_*.py"))):
        name = os.path.splitext(os.path.basename(path))[0]
        if name in sys.modules:
            continue    # already imported by another test file: registered once
        spec = importlib.util.spec_from_file_location(name, path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)


def run_one(name, fn, opts, elf, logdir):
    start = time.monotonic()
    vm = None
    try:
        if opts["build"]:
            elf = elf.replace("/debug/", f"/{opts['build']}/")
        vm = harness.VM(name, opts, elf, logdir)
        if opts["wait_prompt"]:
            vm.wait_prompt()
        fn(vm)
        return name, True, "", time.monotonic() - start
    except Exception as e:  # a scenario failure of any kind
        detail = str(e) or type(e).__name__
        if not isinstance(e, (harness.ScenarioError, AssertionError)):
            detail = traceback.format_exc(limit=3)
        tail = ""
        if vm:
            lines = vm.text().splitlines()[-25:]
            tail = "\n".join("    | " + line for line in lines)
        return name, False, f"{detail}\n{tail}", time.monotonic() - start
    finally:
        if vm:
            vm.kill()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--elf", default="build/debug/corvid.elf")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--results")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()

    load_all()
    chosen = [s for s in harness.SCENARIOS
              if not args.names or any(n in s[0] for n in args.names)]
    if args.list:
        for name, _, _ in chosen:
            print(name)
        return 0
    logdir = os.path.join(harness.ROOT, "build", "test-logs")
    os.makedirs(logdir, exist_ok=True)
    elf = os.path.abspath(args.elf)
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [ex.submit(run_one, n, f, o, elf, logdir) for n, f, o in chosen]
        for fut in concurrent.futures.as_completed(futs):
            name, ok, why, secs = fut.result()
            word = "PASS" if ok else "FAIL"
            if ok:
                print(f"PASS qemu/{name} ({secs:.1f} s)", flush=True)
            else:
                failed += 1
                print(f"FAIL qemu/{name} ({secs:.1f} s): {why}", flush=True)
            if args.results:
                with open(args.results, "a") as f:
                    f.write(f"{word} qemu/{name}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
