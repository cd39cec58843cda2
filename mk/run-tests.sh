#!/bin/sh
# run-tests.sh — run every test program under $BUILD/tests, the shell tests
# in tests/*.sh and the style check; add up the results and end with the
# line "N passed, N failed". Exit non-zero on any failure.
BUILD=${BUILD:-build}
SAN=${SAN:-}
passed=0
failed=0
log=$BUILD/test-logs
mkdir -p "$log"
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-30}
case "$SAN" in
asan | tsan) export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-4} ;;
esac
# Faults in kernel code are the kernel's to report (host/fault.c: a panic report, exit 70), as in
# the normal build; ASan must not take SIGSEGV and friends first.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:report_thread_leaks=0}

for t in $(find "$BUILD/tests" -type f -perm -u+x -name 'test_*' | sort); do
	name=${t#"$BUILD"/tests/}
	out="$log/$(echo "$name" | tr / _).log"
	timeout 900 "$t" > "$out" 2>&1
	rc=$?
	line=$(grep '^ktest: ' "$out" | tail -n 1)
	p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then
		p=0
		f=1
		echo "FAIL $name: no result line (exit $rc); see $out"
	elif [ "$f" != 0 ] || [ $rc != 0 ]; then
		[ "$f" = 0 ] && f=1
		echo "FAIL $name: $p passed, $f failed; see $out"
		grep -E ':[EF]:' "$out" | head -n 20 | sed 's/^/    /'
	else
		echo "ok   $name: $p passed"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

# Shell tests: each is one test; exit 0 passes.
# Shell tests drive real processes against a booted kernel: also under ASan+UBSan (they found bugs
# the kernel-side tests did not reach), not under TSan (its reports stop the kernel mid-test).
if [ "$SAN" != tsan ]; then
	for t in tests/*.sh; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		out="$log/sh_$name.log"
		if BUILD=$BUILD timeout 300 sh "$t" > "$out" 2>&1; then
			echo "ok   $name"
			passed=$((passed + 1))
		else
			echo "FAIL $name; see $out"
			tail -n 15 "$out" | sed 's/^/    /'
			failed=$((failed + 1))
		fi
	done
	if command -v clang-format > /dev/null && [ -d .git ]; then
		if make --no-print-directory format-check > "$log/format.log" 2>&1; then
			echo "ok   style (clang-format)"
			passed=$((passed + 1))
		else
			echo "FAIL style (clang-format): run 'make format'; see $log/format.log"
			head -n 20 "$log/format.log" | sed 's/^/    /'
			failed=$((failed + 1))
		fi
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
