#!/bin/sh
# run-fuzz.sh BUILD SECONDS — replay every saved regression input, then fuzz
# each target for SECONDS from its seed corpus (new inputs go to a scratch
# folder, never into the repository). A crash fails the run; save the input
# under tests/fuzz/regressions/<target>/ and fix the bug.
set -eu
build=$1
secs=$2
status=0
passed=0
failed=0
for bin in "$build"/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	short=${name#fuzz_}
	regress=tests/fuzz/regressions/$short
	if [ -d "$regress" ] && [ -n "$(ls -A "$regress")" ]; then
		"$bin" -runs=1 "$regress"/* > "$build/fuzz/$name.regress.log" 2>&1 ||
			{ echo "FAIL $name: a saved regression input crashes; see $build/fuzz/$name.regress.log"; status=1; failed=$((failed + 1)); }
	fi
	scratch=$(mktemp -d)
	seeds=""
	for d in tests/fuzz/corpus_"$short" tests/fuzz/corpus_*"$short"*; do
		[ -d "$d" ] && { seeds=$d; break; }
	done
	if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$build/fuzz/$name-" "$scratch" $seeds > "$build/fuzz/$name.log" 2>&1; then
		execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$build/fuzz/$name.log" | grep -o '[0-9]*$' || echo '?')
		echo "ok   $name: $execs inputs in ${secs}s, no crash"
		passed=$((passed + 1))
	else
		echo "FAIL $name: crash; see $build/fuzz/$name.log and $build/fuzz/$name-*"
		tail -n 30 "$build/fuzz/$name.log"
		status=1
		failed=$((failed + 1))
	fi
	rm -rf "$scratch"
done
echo "$passed passed, $failed failed"
exit $status
