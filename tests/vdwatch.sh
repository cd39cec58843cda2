#!/bin/sh
# vdwatch.sh — the plug-and-play user program (kexts/VirtualDevice/user/
# vdwatch.c) against a booted kernel with the VirtualDevice kext:
#  - a watcher on VirtualDeviceDriver that opens each driver and calls it
#    every 20 ms sees, per device, first-match (naming the nub it matched),
#    a successful call, then kIOTerminatedNotification, then the interest
#    message kIOMessageServiceIsTerminated; and after the good call one
#    failing cleanly — kIOReturnNotAttached after an orderly removal,
#    kIOReturnNoDevice after a surprise removal — and a close;
#  - a second watcher on the nubs (--class IOVirtualDevice --count 6)
#    exits 0 by itself after its six events (first-match, terminated,
#    kIOMessageServiceIsTerminated for each of the two nubs), in that order;
#  - vdwatch --count with nothing happening times out with status 1;
#    SIGTERM ends a watcher cleanly with its summary line; bad usage is 64.
set -eu
. tests/lib/root.sh
kh_need_root "installing kexts needs root"
kh_work_root VirtualDevice

cat > "$work/t.sh" << 'EOF'
set -eu
B=$VD_BIN
W=$(dirname "$KEXTHOST_ROOT")
fail() { echo "FAIL(online): $*"; for f in "$W"/w1 "$W"/w2; do [ -f "$f" ] && cat "$f"; done; exit 1; }
wait_line() { # wait_line FILE ERE: until a line of FILE matches (bounded: 20 s)
	i=0
	until grep -Eq "$2" "$1" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 400 ] || fail "no line matching '$2' in $1"; sleep 0.05
	done
}
line_of() { grep -En "$2" "$1" | head -1 | cut -d: -f1; }
in_order() { # in_order FILE ERE...: the first lines matching each ERE come in this order
	f=$1; shift; prev=0
	for re in "$@"; do
		n=$(line_of "$f" "$re")
		[ -n "$n" ] || fail "no line matching '$re' in $f"
		[ "$n" -gt "$prev" ] || fail "'$re' (line $n) is not after line $prev in $f"
		prev=$n
	done
}

# ---- usage and a timeout ----
st=0; $B/vdwatch --count > /dev/null 2>&1 || st=$?
[ $st = 64 ] || fail "usage status $st"
st=0; $B/vdwatch --count 1 --timeout 300 > "$W/w0" 2>&1 || st=$?
[ $st = 1 ] && grep -q '^vdwatch: 0 events (timed out)$' "$W/w0" || { cat "$W/w0"; fail "timeout status $st"; }

# ---- two watchers, an orderly and a surprise removal ----
$B/vdwatch --call-every 20 --timeout 60000 > "$W/w1" 2>&1 &
w1=$!
$B/vdwatch --class IOVirtualDevice --count 6 --timeout 60000 > "$W/w2" 2>&1 &
w2=$!
wait_line "$W/w1" '^vdwatch: watching VirtualDeviceDriver$'
wait_line "$W/w2" '^vdwatch: watching IOVirtualDevice$'

a=$($B/devctl add --name pnpA --prop VendorID=0x1234 --prop ProductID=1 --interrupts 1)
wait_line "$W/w1" 'first-match +0x[0-9a-f]+ VirtualDeviceDriver on pnpA@'
da=$(sed -n 's/.*first-match  *\(0x[0-9a-f]*\) VirtualDeviceDriver on pnpA@.*/\1/p' "$W/w1")
wait_line "$W/w1" "call +$da kVDGetInfo ok"
# The nub watcher registers its interest when it reads first-match: removing the nub before then
# would (as on a Mac) leave it no kIOMessageServiceIsTerminated to hear.
wait_line "$W/w2" 'first-match +0x[0-9a-f]+ pnpA on IOVirtualBus'
$B/devctl remove "$a"
wait_line "$W/w1" "close +$da\$"

b=$($B/devctl add --name pnpB --prop VendorID=0x1234 --prop ProductID=1 --interrupts 1)
wait_line "$W/w1" 'first-match +0x[0-9a-f]+ VirtualDeviceDriver on pnpB@'
db=$(sed -n 's/.*first-match  *\(0x[0-9a-f]*\) VirtualDeviceDriver on pnpB@.*/\1/p' "$W/w1")
wait_line "$W/w1" "call +$db kVDGetInfo ok"
wait_line "$W/w2" 'first-match +0x[0-9a-f]+ pnpB on IOVirtualBus'
$B/devctl remove "$b" --surprise
wait_line "$W/w1" "close +$db\$"

kill -TERM $w1
st=0; wait $w1 || st=$?
[ $st = 0 ] || fail "watcher 1 ended with $st"
st=0; wait $w2 || st=$?
[ $st = 0 ] || fail "watcher 2 ended with $st (its --count 6 not reached?)"
cat "$W/w1"
cat "$W/w2"

# Watcher 1: each driver's life, in order; the error tells orderly from surprise.
# (The failed call and the notifications race — the process may call before
# it has read a queued notification, and a surprise-removed device is gone
# before its drivers hear of it — so each is ordered against the good call.)
in_order "$W/w1" "first-match +$da " "open +$da ok" "call +$da kVDGetInfo ok" "terminated +$da\$" \
	"interest +$da kIOMessageServiceIsTerminated" "first-match +$db "
in_order "$W/w1" "call +$da kVDGetInfo ok" "call +$da kVDGetInfo failed 0xe00002d9 \(kIOReturnNotAttached\)" \
	"close +$da\$" "first-match +$db "
in_order "$W/w1" "first-match +$db " "open +$db ok" "call +$db kVDGetInfo ok" "terminated +$db\$" \
	"interest +$db kIOMessageServiceIsTerminated"
in_order "$W/w1" "call +$db kVDGetInfo ok" "call +$db kVDGetInfo failed 0xe00002c0 \(kIOReturnNoDevice\)" \
	"close +$db\$"
[ "$(grep -c 'kVDGetInfo failed' "$W/w1")" = 2 ] || fail "a call failed other than after removal"
grep -Eq '^vdwatch: [0-9]+ events$' "$W/w1" || fail "no summary after SIGTERM"
# Watcher 2: the nubs (the IDs devctl printed), three events each, exit by --count.
in_order "$W/w2" "first-match +$a pnpA on IOVirtualBus$" "terminated +$a\$" \
	"interest +$a kIOMessageServiceIsTerminated" "first-match +$b pnpB on IOVirtualBus$" "terminated +$b\$" \
	"interest +$b kIOMessageServiceIsTerminated"
grep -q '^vdwatch: 6 events$' "$W/w2" || fail "watcher 2 summary"
echo "ok vdwatch"
EOF
VD_BIN=$BIN "$BIN/kexthost" run --root "$root" -- sh "$work/t.sh" > "$work/out" 2>&1 ||
	{ cat "$work/out"; fail "online"; }
grep -q '^ok vdwatch$' "$work/out" || { cat "$work/out"; fail "online"; }
echo "vdwatch.sh: ok"
