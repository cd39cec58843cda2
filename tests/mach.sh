#!/bin/sh
# mach.sh — the Mach trap path from real separate processes
# (tests/mach/mach_probe.c under `kexthost run`): task and host ports, port
# names, user references and dead/reused names, MIG routines with simple,
# complex and out-of-line replies, and the mach_msg errors bad messages get;
# both over the shared ring's socket fallback and socket-only; a client's
# rights disappear with it.
set -eu
BUILD=${BUILD:-build}
BIN=$(cd "$BUILD/bin" && pwd)
P=$(cd "$BUILD/tests/helpers" && pwd)/mach_probe
fail() { echo "FAIL: $*"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
root=$work/root
run() { "$BIN/kexthost" run --root "$root" -- "$@"; }

for c in ports host names errors many bigreply; do
	run "$P" "$c" > "$work/out" 2>&1 || { cat "$work/out"; fail "mach_probe $c"; }
	grep -q "^ok $c" "$work/out" || { cat "$work/out"; fail "mach_probe $c: no ok line"; }
done
# hostinfo(1) through the same routines.
run "$BIN/hostinfo" > "$work/hi" 2>&1 || { cat "$work/hi"; fail "hostinfo"; }
grep -q '^	 Darwin Kernel Version' "$work/hi" || { cat "$work/hi"; fail "hostinfo: kernel version"; }
grep -Eq '^Kernel configured for up to [0-9]+ processors\.$' "$work/hi" || { cat "$work/hi"; fail "hostinfo: processors"; }
grep -Eq '^Primary memory available: [0-9]+\.[0-9]{2} gigabytes$' "$work/hi" || { cat "$work/hi"; fail "hostinfo: memory"; }
KEXTHOST_NO_SHM=1 run "$P" ports | grep -q '^ok ports' || fail "ports over the socket only"
KEXTHOST_NO_SHM=1 run "$P" bigreply | grep -q '^ok bigreply' || fail "a big reply over the socket only"

# Many processes at once, each with its own names.
cat > "$work/many.sh" << EOF2
for i in 1 2 3 4 5 6 7 8; do "$P" ports > "$work/p\$i" 2>&1 & done
wait
EOF2
run sh "$work/many.sh"
for i in 1 2 3 4 5 6 7 8; do grep -q '^ok ports' "$work/p$i" || { cat "$work/p$i"; fail "concurrent client $i"; }; done
echo "mach.sh: ok"
