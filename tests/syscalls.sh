#!/bin/sh
# syscalls.sh — the user/kernel boundary from real separate processes
# (tests/ktools/kh_sysprobe.c under `kexthost run`): identity calls equal
# Linux's, errno values arrive as Linux's, carried and direct copies
# (setlogin/getlogin) with EFAULT for bad pointers, a malformed message
# closes only that connection (and is logged), fork gives a new process,
# a non-root client (setpriv as nobody) has its own credential and is
# refused setlogin, a client killed while connected disappears from the
# kernel, and many concurrent clients; the shared-memory ring and the
# socket-only path (KEXTHOST_NO_SHM) both, and a ring client's kernel state
# going as soon as it exits.
set -eu
BUILD=${BUILD:-build}
BIN=$(cd "$BUILD/bin" && pwd)
P=$(cd "$BUILD/tests/helpers" && pwd)/kh_sysprobe
fail() { echo "FAIL: $*"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work" # nobody must reach the socket
root=$work/root
run() { "$BIN/kexthost" run --root "$root" -- "$@"; }

for c in ids errors login fork malformed; do # malformed last: dmesg shows the last boot
	run "$P" "$c" > "$work/out" 2>&1 || { cat "$work/out"; fail "kh_sysprobe $c"; }
	grep -q "^ok $c" "$work/out" || { cat "$work/out"; fail "kh_sysprobe $c: no ok line"; }
done
"$BIN/kexthost" dmesg --root "$root" > "$work/dmesg"
grep -q 'syscall: pid [0-9]*: syscall message truncated in its region list' "$work/dmesg" ||
	fail "malformed syscall message not logged"
grep -q 'malformed request of type 256; closing the connection' "$work/dmesg" ||
	fail "closing the malformed client not logged"

# ---- the shared ring and the socket-only path -----------------------------------------
run "$P" ring | grep -q '^ok ring shm' || fail "calls through the shared ring"
KEXTHOST_NO_SHM=1 run "$P" ring | grep -q '^ok ring socket' || fail "calls over the socket only"
KEXTHOST_NO_SHM=1 run "$P" errors | grep -q '^ok errors' || fail "errors over the socket only"
# A ring client that exits is gone from the kernel at once (its sleeping worker is woken).
run "$P" exitgone 20 > "$work/out" 2>&1 || { cat "$work/out"; fail "exited ring clients linger"; }
grep '^ok exitgone' "$work/out"

# ---- a non-root client ----------------------------------------------------------------
if [ "$(id -u)" = 0 ] && command -v setpriv > /dev/null; then
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$P" nonroot > "$work/out" 2>&1 ||
		{ cat "$work/out"; fail "non-root client"; }
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$P" ring | grep -q '^ok ring shm' ||
		fail "non-root client on the shared ring"
	grep -q '^ok ids uid=65534' "$work/out" || { cat "$work/out"; fail "non-root uid"; }
else
	echo "syscalls.sh: non-root part skipped (needs root and setpriv)"
fi

# ---- a client killed while connected; many clients --------------------------------------
cat > "$work/kill.sh" << EOF
set -eu
"$P" hold > "$work/held" &
h=\$!
i=0
while ! grep -q '^held' "$work/held" 2> /dev/null; do
	i=\$((i + 1)); [ \$i -lt 100 ] || { echo "hold never connected"; exit 1; }
	sleep 0.05
done
[ "\$("$P" alive \$h)" = alive ] || { echo "held client not alive in the kernel"; exit 1; }
kill -9 \$h
wait \$h 2> /dev/null || true
i=0
while [ "\$("$P" alive \$h)" != gone ]; do
	i=\$((i + 1)); [ \$i -lt 100 ] || { echo "killed client still in the kernel"; exit 1; }
	sleep 0.05
done
"$P" many 1000
EOF
run sh "$work/kill.sh" > "$work/out" 2>&1 || { cat "$work/out"; fail "killed client / many clients"; }
grep -q '^ok many 1000' "$work/out" || { cat "$work/out"; fail "many clients"; }
echo "syscalls.sh: all passed"
