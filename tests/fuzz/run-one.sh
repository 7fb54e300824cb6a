#!/bin/sh
# Run one libFuzzer harness for make fuzz / fuzz-test (tests/fuzz/fuzz.mk):
# its log goes to OUT/NAME.log and its verdict (PASS, FAIL) to OUT/NAME.verdict,
# so several can run at once and be reported in order afterwards.
# Usage: run-one.sh OUT SECONDS TIMEOUT RSS_MB "FLAGS" NAME
set -u
out=$1 secs=$2 timeout=$3 rss=$4 flags=$5 n=$6
bin=$out/${n}_fuzz log=$out/$n.log art=$out/artifacts/$n/ new=$out/corpus/$n
seeds=tests/fuzz/corpus/$n
[ -d "$seeds" ] || seeds=
mkdir -p "$art" "$new"
rm -f "$log"
if [ ! -f "$out/$n.built" ]; then
	echo "fuzz/$n: build failed" >"$log"
	r=FAIL
# shellcheck disable=SC2086 # FLAGS and the seed directory are word lists
elif "$bin" -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb="$rss" \
		-print_final_stats=1 -artifact_prefix="$art" $flags "$new" $seeds >"$log" 2>&1; then
	r=PASS
else
	r=FAIL
fi
echo $r >"$out/$n.verdict"
