#!/bin/sh
# kexthost.sh — the kexthost program end to end: version, boot to ready and a
# clean shutdown on SIGTERM and SIGINT, the boot log through `dmesg`, `run`
# propagating the command's status and environment, `--daemon`, usage errors.
set -eu
BUILD=${BUILD:-build}
K=$BUILD/bin/kexthost
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

$K version | grep -q '^Darwin Kernel Version ' || fail "version banner"

# boot in the foreground, wait until ready, stop with SIGTERM
$K boot --root "$root" --boot-args "-v" > "$root/console" 2>&1 &
pid=$!
i=0
until grep -q 'kernel ready' "$root/console" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "kernel did not become ready"; sleep 0.05
done
$K dmesg --root "$root" | grep -q 'self-check: all' || fail "dmesg shows no self-checks"
kill -TERM $pid
wait $pid || fail "boot exited non-zero after SIGTERM"
grep -q 'shutdown complete' "$root/console" || fail "no clean shutdown on the console"
$K dmesg --root "$root" | grep -q 'shutdown complete' || fail "dmesg misses the shutdown"

# SIGINT also shuts down cleanly
$K boot --root "$root" > "$root/console2" 2>&1 &
pid=$!
i=0
until $K dmesg --root "$root" 2>/dev/null | tail -n 3 | grep -q 'kernel ready'; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "second boot not ready"; sleep 0.05
done
kill -INT $pid
wait $pid || fail "boot exited non-zero after SIGINT"

# run: status and environment
set +e
$K run --root "$root" -- sh -c 'exit 3'
st=$?
set -e
[ $st = 3 ] || fail "run returned $st instead of 3"
$K run --root "$root" -- sh -c 'test -n "$KEXTHOST_SOCKET" && test -n "$KEXTHOST_PID" && kill -0 "$KEXTHOST_PID"' ||
	fail "run: environment or kernel process missing"

# daemon
$K boot --daemon --root "$root" | grep -q 'kernel running as pid' || fail "daemon did not report its pid"
dpid=$(cat "$root/var/run/kexthost.pid")
kill -0 "$dpid" || fail "daemon not running"
kill -TERM "$dpid"
i=0
while kill -0 "$dpid" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "daemon did not stop"; sleep 0.05
done

# usage errors
set +e
$K frobnicate > /dev/null 2>&1; [ $? = 64 ] || fail "unknown command should exit 64"
$K run --root "$root" > /dev/null 2>&1; [ $? = 64 ] || fail "run without CMD should exit 64"
set -e
echo "kexthost.sh: ok"
