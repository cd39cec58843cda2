#!/bin/sh
# mach.sh — the Mach trap path from real separate processes
# (tests/mach/mach_probe.c under `kexthost run`): task and host ports, port
# names, user references and dead/reused names, MIG routines with simple,
# complex and out-of-line replies, and the mach_msg errors bad messages get;
# both over the shared ring's socket fallback and socket-only; a client's
# rights disappear with it. hostinfo(1) and zprint(1) use the mach_host routines.
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
# zprint(1) through mach_zone_info: Apple's header and columns, a filter, -w/-t totals, -s order;
# refused to a non-root process (the plain host port) with KERN_INVALID_HOST.
run "$BIN/zprint" > "$work/zp" 2>&1 || { cat "$work/zp"; fail "zprint"; }
head -n 2 "$work/zp" | tail -n 1 | grep -qx 'zone name                 size     size     size     #elts     #elts     inuse  size count' ||
	{ head -n 3 "$work/zp"; fail "zprint: header"; }
grep -Eq '^kalloc\.16 +16 +[0-9]+K +------ +[0-9]+ +--------- +[0-9]+ +[0-9]+K +[0-9]+ +$' "$work/zp" ||
	{ cat "$work/zp"; fail "zprint: the kalloc.16 row"; }
# each row: current #elts = current size / element size (K x 1024 here: sizes are whole chunks)
awk 'NR > 3 && $2 > 0 { k = $3; sub("K", "", k); if (int(k * 1024 / $2) != $5) { print; bad = 1 } } END { exit bad }' \
	"$work/zp" || fail "zprint: #elts does not match size / elem"
run "$BIN/zprint" -w -t kalloc > "$work/zp" 2>&1 || { cat "$work/zp"; fail "zprint -w -t"; }
grep -v '^kalloc\|^TOTAL\|^zone name\|^ \|^---' "$work/zp" && fail "zprint: the name filter let other zones in"
for t in SIZE USED WASTED ALLOCS; do grep -Eq "^TOTAL $t +=  ?[0-9]+$" "$work/zp" || { cat "$work/zp"; fail "zprint: TOTAL $t"; }; done
run "$BIN/zprint" -s -w -H > "$work/zp" 2>&1 || fail "zprint -s"
awk '{ w = $(NF - 0); sub("K", "", w) } NR > 1 && w + 0 > prev + 0 { bad = 1 } { prev = w } END { exit bad }' "$work/zp" ||
	{ cat "$work/zp"; fail "zprint -s: not sorted by waste"; }
if command -v setpriv > /dev/null; then
	st=0
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/zprint" > "$work/zp" 2>&1 || st=$?
	[ $st = 1 ] && grep -qx 'zprint: mach_zone_info: (os/kern) invalid host (try running as root)' "$work/zp" ||
		{ cat "$work/zp"; fail "zprint as nobody: exit $st"; }
fi
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
