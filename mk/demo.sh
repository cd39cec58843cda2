#!/bin/sh
# demo.sh — `make demo`: boot the hosted kernel and walk through what exists
# so far, as a newcomer would want to see it. Each later issue adds a step.
set -eu
BUILD=${BUILD:-build}
K=$BUILD/bin/kexthost
root=$BUILD/demo-root
rm -rf "$root"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1. Boot the kernel (verbose boot: -v mirrors the kernel log to the console)"
echo "\$ $K boot --root $root --boot-args \"-v\" &"
$K boot --root "$root" --boot-args "-v" > "$BUILD/demo-console.log" 2>&1 &
pid=$!
i=0
until grep -q 'kernel ready' "$BUILD/demo-console.log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 200 ] || ! kill -0 $pid 2>/dev/null; then
		cat "$BUILD/demo-console.log"; echo "demo: kernel did not boot"; exit 1
	fi
	sleep 0.05
done
cat "$BUILD/demo-console.log"

step "2. The kernel root: a Mac-like folder tree the kernel owns"
(cd "$root" && find . -maxdepth 3 | sort | sed 's/^/  /')

step "3. The message buffer, read by a separate process while the kernel runs"
echo "\$ $K dmesg --root $root | head -n 6"
$K dmesg --root "$root" | head -n 6

step "4. Boot-args reach kernel code through PE_parse_boot_argn (here: msgbuf size and debug flags)"
kill -TERM $pid; wait $pid
echo "\$ $K run --root $root --boot-args \"msgbuf=65536 debug=0x8\" -- $K dmesg --root $root"
$K run --root "$root" --boot-args "msgbuf=65536 debug=0x8" -- $K dmesg --root "$root" | grep -E 'boot-args|ready'

step "5. Clean shutdown on SIGTERM (exit status 0; a panic would exit 70)"
$K boot --root "$root" > "$BUILD/demo-console.log" 2>&1 &
pid=$!
i=0
until $K dmesg --root "$root" 2>/dev/null | tail -n 2 | grep -q 'kernel ready'; do
	i=$((i + 1)); [ $i -lt 200 ] || { echo "demo: no second boot"; exit 1; }; sleep 0.05
done
echo "\$ kill -TERM $pid"
kill -TERM $pid
st=0; wait $pid || st=$?
$K dmesg --root "$root" | tail -n 3
echo "kernel exit status: $st"

step "Next: make check (tests), make bench (figures), docs/ARCHITECTURE.md"
