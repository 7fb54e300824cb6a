#!/bin/sh
# Layering rules from STYLE.md:
#  1. a pure file (kernel/lib/*.c or any file saying "Pure: host-testable.")
#     includes nothing from arch/ or drivers/;
#  2. generic code (everything outside kernel/arch/) never includes
#     arch/x86_64/ headers: it goes through arch/arch.h.
# Prints each violation; exits 1 if there was any.
set -eu
cd "$(dirname "$0")/.."
bad=0
pure=$( (ls kernel/lib/*.c; grep -rlF --include='*.c' 'Pure: host-testable.' kernel) | sort -u)
for f in $pure; do
	if grep -nE '#include "(arch|drivers)/' "$f"; then
		echo "check-layering: pure file $f includes arch/ or drivers/" >&2
		bad=1
	fi
done
for f in $(find kernel -name '*.[ch]' -not -path 'kernel/arch/*'); do
	if grep -nE '#include "arch/x86_64/' "$f"; then
		echo "check-layering: generic file $f includes arch/x86_64/ (use arch/arch.h)" >&2
		bad=1
	fi
done
exit $bad
