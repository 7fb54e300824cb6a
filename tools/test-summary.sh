#!/bin/sh
# Summarize a results file of "PASS name" / "FAIL name" lines: list the
# failures, then print the one line "N passed, N failed". Exits 1 if any
# test failed or no test ran.
set -eu
results=$1
[ -f "$results" ] || { echo "0 passed, 1 failed"; exit 1; }
passed=$(grep -c '^PASS ' "$results" || true)
failed=$(grep -c '^FAIL ' "$results" || true)
if [ "$failed" -gt 0 ]; then
	echo "failed:"
	grep '^FAIL ' "$results" | sed 's/^FAIL /  /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
