#!/bin/sh
# Check that embedding the symbol table moved no function: the text symbols
# of the first-pass and final kernels must be identical.
# Usage: tools/check-ksyms.sh FIRST.elf FINAL.elf
set -eu
a=$(nm -n --defined-only "$1" | awk '$2 ~ /^[TtWw]$/ && $3 !~ /^ksyms_/')
b=$(nm -n --defined-only "$2" | awk '$2 ~ /^[TtWw]$/ && $3 !~ /^ksyms_/')
if [ "$a" != "$b" ]; then
	echo "check-ksyms: text symbols moved between link passes" >&2
	exit 1
fi
