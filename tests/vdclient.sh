#!/bin/sh
# vdclient.sh — the workshop's exercise 3 end to end: a booted kernel
# (kexthost run) with the VirtualDevice kext in Extensions/, devctl publishes
# the nub, and vdclient (kexts/VirtualDevice/user/vdclient.c), a separate
# user process, talks to the driver's user client:
#  - the whole exercise (vdclient run): found by matching, scalars, struct
#    in/out, a 64 KiB struct through memory descriptors, the device's info;
#  - each subcommand's output: registers persist between processes, the
#    buffer read back, inline (<= 4096) and descriptor (> 4096) sizes, the
#    argument checks (unknown selector, counts, sizes, ranges);
#  - shared memory: the counters page mapped read-only, counters moving as
#    interrupts and ticks arrive;
#  - an async operation completed later from the work loop;
#  - a state change heard by a second process's interest notification;
#  - a process killed in the middle of a sleeping call: the kernel keeps
#    serving others meanwhile, clientDied runs after the call returns
#    ("ClientsDied" property, kernel log), the connection is gone;
#  - the nub removed under a sleeping call: the call is aborted, the driver
#    stops, nothing hangs.
set -eu
. tests/lib/root.sh
kh_need_root "installing kexts needs root"
kh_work_root VirtualDevice

cat > "$work/t.sh" << 'EOF'
set -eu
B=$VD_BIN
W=$(dirname "$KEXTHOST_ROOT")
V=$B/vdclient
fail() { echo "FAIL(online): $*"; exit 1; }
run() { set +e; "$@" > "$W/o" 2>&1; st=$?; set -e; }
expect() { # expect PATTERN: a line of the last output matches
	grep -Eq "$1" "$W/o" || { cat "$W/o"; fail "no line matching '$1'"; }
}
info() { # info FIELD: a number from `vdclient info` ("clients", "sleeping", "died")
	"$V" info | sed -n "s/.* \([0-9][0-9]*\) $1.*/\1/p"
}
wait_info() { # wait_info FIELD VALUE: until the field reaches VALUE (10 s)
	i=0
	while [ "$(info "$1")" != "$2" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { "$V" info; fail "$1 never reached $2"; }
		sleep 0.05
	done
}
prop() { # prop KEY: the value of "KEY" in the driver's property block
	$B/ioreg -w0 -r -c VirtualDeviceDriver | sed -n "s/^ *\"$1\" = //p" | head -n 1
}

# no device yet: vdclient says so, exits 1
run "$V" info
[ $st = 1 ] && expect '^no VirtualDeviceDriver found' || fail "vdclient without a device"
run "$V" frobnicate
[ $st = 64 ] && expect '^usage: vdclient' || fail "bad usage"

id=$($B/devctl add --name vdev --prop VendorID=0x1234 --prop ProductID=1 --interrupts 1) || fail "devctl add"

# the whole exercise
run "$V" run
[ $st = 0 ] || { cat "$W/o"; fail "vdclient run"; }
expect '^1\. found VirtualDeviceDriver \(id 0x[0-9a-f]+\) by matching, opened a connection$'
expect '^reg 1 = 0xcafe \(was 0x0\)$'
expect '^read 13 bytes: "hello, device"$'
expect '^large: 65536 bytes through memory descriptors and back, checksum [0-9]+$'
expect '^counters: 4096 bytes mapped r--s, magic ok$'
expect '^counters: updated by the driver while mapped: ticks [0-9]+ -> [0-9]+'
expect '^async: operation [0-9]+ completed: 0x0 \(kIOReturnSuccess\)'
expect '^notification: state changed to stopped$'
expect '^state running \(was stopped\)$'
expect '^info: state running, 8 registers, buffer 65536 of 65536 bytes, 1 clients, 0 sleeping, 0 died, id 0x[0-9a-f]+$'

# scalars: registers outlive the connection that set them
run "$V" reg set 3 0x1234
expect '^reg 3 = 0x1234 \(was 0x0\)$'
run "$V" reg get 3
expect '^reg 3 = 0x1234$'
run "$V" reg set 7 18446744073709551615
expect '^reg 7 = 0xffffffffffffffff \(was 0x0\)$'
run "$V" reg get 8
[ $st = 1 ] && expect '^kVDGetRegister failed: 0xe00002c2 \(kIOReturnBadArgument\)$' || fail "register 8"

# struct in and out: the room limits what comes back
run "$V" write "the quick brown fox"
expect '^wrote 19 bytes$'
run "$V" read 9
expect '^read 9 bytes: "the quick"$'
run "$V" read
expect '^read 19 bytes: "the quick brown fox"$'

# inline at 4096, descriptors above; the limit is the device's 64 KiB
run "$V" large 4096
expect '^large: 4096 bytes inline and back'
run "$V" large 4097
expect '^large: 4097 bytes through memory descriptors and back'
run "$V" large 65537
[ $st = 1 ] && expect 'kIOReturnNoSpace' || fail "65537 bytes"

# shared memory: read-only, counting interrupts (summed when coalesced) and method calls
run "$V" counters
expect '^counters: 4096 bytes mapped r--s, magic ok$'
i0=$(sed -n 's/^counters: state running, \([0-9]*\) interrupts.*/\1/p' "$W/o")
c0=$(sed -n 's/.* ticks, \([0-9]*\) calls.*/\1/p' "$W/o")
[ -n "$i0" ] && [ -n "$c0" ] || { cat "$W/o"; fail "counters line"; }
$B/devctl interrupt "$id" && $B/devctl interrupt "$id" && $B/devctl interrupt "$id"
"$V" reg get 0 > /dev/null
i=0
while :; do
	run "$V" counters
	i1=$(sed -n 's/^counters: state running, \([0-9]*\) interrupts.*/\1/p' "$W/o")
	[ "$i1" -lt $((i0 + 3)) ] || break
	i=$((i + 1))
	[ $i -lt 100 ] || { cat "$W/o"; fail "interrupts never reached the counters page"; }
	sleep 0.05
done
[ "$i1" = $((i0 + 3)) ] || { cat "$W/o"; fail "interrupts $i0 -> $i1 after 3"; }
c1=$(sed -n 's/.* ticks, \([0-9]*\) calls.*/\1/p' "$W/o")
[ "$c1" -gt "$c0" ] || { cat "$W/o"; fail "method calls not counted"; }
run "$V" counters 3000
expect '^counters: updated by the driver while mapped: ticks ([0-9]+) -> ([0-9]+)'

# async: completed later from the work loop, with the device's values
"$V" reg set 0 77 > /dev/null
run "$V" async 300
expect '^async: operation [0-9]+ started, the driver completes it in 300 ms$'
expect '^async: operation [0-9]+ completed: 0x0 \(kIOReturnSuccess\), [0-9]+ interrupts, reg 0 = 0x4d$'

# a state change reaches another process's interest notification
"$V" watch 10000 > "$W/watch" 2>&1 &
wpid=$!
i=0
until grep -q '^watching' "$W/watch"; do
	i=$((i + 1))
	[ $i -lt 200 ] || { cat "$W/watch"; fail "watcher never armed"; }
	sleep 0.05
done
run "$V" state stop
expect '^state stopped \(was running\)$'
wait $wpid || { cat "$W/watch"; fail "watch"; }
grep -q '^notification: state changed to stopped$' "$W/watch" || { cat "$W/watch"; fail "watch output"; }
run "$V" state stop
expect '^state stopped \(was stopped\)$'
"$V" state run > /dev/null

# every argument check
run "$V" checks
[ $st = 0 ] || { cat "$W/o"; fail "checks"; }
[ "$(grep -c '^ok ' "$W/o")" -ge 10 ] || { cat "$W/o"; fail "checks ran"; }

# killed in the middle of a call: others are served meanwhile, clientDied after the call returns
[ "$(prop ClientsDied)" = 0 ] || fail "ClientsDied before any death"
"$V" sleep 2000 > "$W/sleep" 2>&1 &
pid=$!
wait_info sleeping 1
kill -9 $pid
wait $pid 2> /dev/null || true
run "$V" reg get 3
expect '^reg 3 = 0x1234$'
[ "$(info died)" = 0 ] || fail "clientDied before the killed process's call returned"
wait_info died 1
[ "$(prop ClientsDied)" = 1 ] || fail "ClientsDied property"
wait_info clients 1
$B/kexthost dmesg --root "$KEXTHOST_ROOT" | grep -q "VirtualDeviceUserClient: clientDied (pid $pid exited without closing)" ||
	fail "no clientDied in the kernel log"

# a closed connection is no death
"$V" info > /dev/null
[ "$(info died)" = 1 ] || fail "a closed connection counted as died"

# killed with an operation pending: the completion goes nowhere, the kernel goes on
"$V" async 3000 > "$W/async" 2>&1 &
pid=$!
i=0
until grep -q 'started' "$W/async"; do
	i=$((i + 1))
	[ $i -lt 200 ] || { cat "$W/async"; fail "async never started"; }
	sleep 0.05
done
kill -9 $pid
wait $pid 2> /dev/null || true
wait_info died 2
wait_info clients 1

# the nub removed under a sleeping call and a pending operation: both are aborted, the driver stops
"$V" sleep 5000 > "$W/sleep" 2>&1 &
pid=$!
"$V" async 8000 > "$W/async" 2>&1 &
apid=$!
wait_info sleeping 1
until grep -q 'started' "$W/async"; do sleep 0.05; done
$B/devctl remove "$id" || fail "devctl remove"
st=0
wait $pid || st=$?
[ $st = 1 ] && grep -q '^kVDSleep failed: 0xe00002eb (kIOReturnAborted)$' "$W/sleep" ||
	{ cat "$W/sleep"; fail "sleeping call across removal"; }
st=0
wait $apid || st=$?
[ $st = 1 ] && grep -q '^async: operation [0-9]* completed: 0xe00002eb (kIOReturnAborted)' "$W/async" ||
	{ cat "$W/async"; fail "pending operation across removal"; }
$B/ioreg -w0 | grep -q VirtualDeviceDriver && fail "driver still there"
echo "ok online"
EOF
VD_BIN=$BIN "$BIN/kexthost" run --root "$root" -- sh "$work/t.sh" > "$work/out" 2>&1 || { cat "$work/out"; fail "online"; }
grep -q '^ok online' "$work/out" || { cat "$work/out"; fail "online"; }
# the driver stopped cleanly and nothing leaked at shutdown
"$BIN/kexthost" dmesg --root "$root" > "$work/dmesg"
grep -q 'VirtualDeviceDriver: stopping' "$work/dmesg" || { cat "$work/dmesg"; fail "driver never stopped"; }
grep -qi 'leak' "$work/dmesg" && { grep -i leak "$work/dmesg"; fail "leaks reported"; }
echo "vdclient.sh: ok"
