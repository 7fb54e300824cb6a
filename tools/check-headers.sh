#!/bin/sh
# Every kernel header must be self-contained and idempotent: compile each one
# alone, included twice, with the kernel's flags.
# Usage: tools/check-headers.sh "KERNEL CFLAGS"
set -eu
cd "$(dirname "$0")/.."
flags=$1
bad=0
for h in $(find kernel -name '*.h' | sort); do
	inc=${h#kernel/}
	if ! printf '#include "%s"\n#include "%s"\n' "$inc" "$inc" |
		gcc $flags -fsyntax-only -x c - 2>/tmp/check-headers.$$; then
		echo "check-headers: $h is not self-contained:" >&2
		head -5 /tmp/check-headers.$$ >&2
		bad=1
	fi
done
rm -f /tmp/check-headers.$$
exit $bad
