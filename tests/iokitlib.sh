#!/bin/sh
# iokitlib.sh — IOKitLib's registry and matching calls from real separate
# processes (tests/mach/iokitlib_probe.c under `kexthost run`); a process
# that exits holding handles leaves a kernel that serves the next one
# normally (the release itself is checked in tests/iokit/test_iokit_ports.c).
set -eu
BUILD=${BUILD:-build}
P=$(cd "$BUILD/tests/helpers" && pwd)/iokitlib_probe
BIN=$(cd "$BUILD/bin" && pwd)
fail() { echo "FAIL: $*"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/t.sh" << EOF2
set -e
"$P" basic
"$P" leak
"$P" basic
EOF2
"$BIN/kexthost" run --root "$work/root" -- sh "$work/t.sh" > "$work/out" 2>&1 || { cat "$work/out"; fail "probe"; }
[ "$(grep -c '^ok basic' "$work/out")" = 2 ] || { cat "$work/out"; fail "basic"; }
grep -q '^ok leak' "$work/out" || { cat "$work/out"; fail "leak"; }
echo "iokitlib.sh: ok"
