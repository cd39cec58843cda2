#!/bin/sh
# trace.sh — kdebug tracing end to end: a booted kernel (kexthost run),
# `kexthost trace start`, then a process making system calls (sysctl), a kext
# loaded and unloaded (HelloKext), a device published so VirtualDevice
# matches and starts, and one of its interrupts; `trace stop` and `trace
# dump --json` show each of those as kernel events (BSC_sysctl with the
# caller's pid, MSC_mach_msg_trap, the kext_request MIG routine, KEXT_Load
# with the bundle ID, IOService_Match/Start, the power changes of a pmset
# sleepnow/wake, the work loop and interrupt events), the JSON is valid (python3 -m json.tool) with B/E pairs and
# instant events and thread names, a class filter keeps out every other
# class, and the pid filter (--pid / --exclude-pid) keeps or drops the
# kernel's own work (pid 0). Also:
# bad arguments are usage errors, reading before setup is a clean error,
# `trace stream` prints events until SIGTERM.
set -eu
. tests/lib/root.sh
kh_need_root "tracing and installing kexts need root"
kh_work_root HelloKext VirtualDevice

cat > "$work/t.sh" << 'EOS'
set -eu
B=$TR_BIN
W=$(dirname "$KEXTHOST_ROOT")
fail() { echo "FAIL(online): $*"; exit 1; }
poll() { # poll CMD...: until CMD succeeds (10 s)
	i=0
	until "$@" > /dev/null 2>&1; do
		i=$((i + 1))
		[ $i -lt 200 ] || fail "timed out waiting for: $*"
		sleep 0.05
	done
}

# usage errors and a read with nothing set up
st=0; $B/trace frobnicate 2> "$W/err" || st=$?
[ $st = 64 ] && grep -q '^usage: trace' "$W/err" || fail "bad command not a usage error"
st=0; $B/trace start --class 300 2> "$W/err" || st=$?
[ $st = 64 ] && grep -q 'bad class list' "$W/err" || fail "class 300 accepted"
st=0; $B/trace dump > /dev/null 2> "$W/err" || st=$?
[ $st = 1 ] && grep -q 'reading events: Invalid argument' "$W/err" || { cat "$W/err"; fail "dump before setup"; }

# everything, then the events of each kind of kernel work
"$KEXTHOST_BIN" trace start --buf 100000 || fail "trace start"
$B/sysctl kern.ostype > /dev/null
$B/kextload -b com.example.kext.HelloKext > /dev/null || fail "kextload"
$B/kextunload -b com.example.kext.HelloKext > /dev/null || fail "kextunload"
id=$($B/devctl add --name vdev --prop VendorID=0x1234 --prop ProductID=1 --interrupts 1) || fail "devctl add"
poll sh -c "$B/ioreg -w0 -r -c VirtualDeviceDriver | grep -q VirtualDeviceDriver"
$B/devctl interrupt "$id" || fail "devctl interrupt"
poll sh -c "$B/ioreg -w0 -r -c VirtualDeviceDriver | grep -q '\"InterruptCount\" = [1-9]'"
$B/pmset sleepnow > /dev/null || fail "pmset sleepnow"
$B/pmset wake > /dev/null || fail "pmset wake"
"$KEXTHOST_BIN" trace stop || fail "trace stop"
"$KEXTHOST_BIN" trace dump --json "$W/t.json" > "$W/dump" 2> "$W/dump.err" || { cat "$W/dump.err"; fail "dump"; }
expect() { grep -Eq "$1" "$W/dump" || { head -50 "$W/dump"; fail "no event matching '$1'"; }; }
expect '^ *[0-9.]+ +[0-9.]+  040c0329  BSC_sysctl .*\[start\]'
# the END of a syscall carries the caller's pid in arg4 (Darwin's BSC layout)
expect '040c032a  BSC_sysctl +0 0 0 0x[0-9a-f]+ \[end\]'
expect '010c007d  MSC_mach_msg_trap '
expect 'ff0006a5  MIG_msg_425 '
expect '01ee0005  KEXT_Load +com\.example\.kext\.HelloKext \[start\]'
expect '01ee0006  KEXT_Load +0 0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+ \[end\]'
expect '01ee0009  KEXT_Unload +com\.example\.kext\.HelloKext \[start\]'
expect '05080401  IOService_Match '
expect '05080405  IOService_Start '
expect '05080406  IOService_Start +0x1 '
expect '05000005  IOINTC_Handler '
expect '05020019  IOINTES_Action '
expect '05010005  IOWL_Client '
# power changes (DBG_IOPOWER, PMLog event numbers): the driver's setPowerState call and return
expect '05070098  IOPM_SetPowerState '
expect '0507009a  IOPM_SetPowerState '
expect '05070074  IOPM_ChangeDone '
grep -q 'events, JSON in' "$W/dump.err" || fail "no summary"
python3 -m json.tool "$W/t.json" > /dev/null || fail "invalid JSON"
python3 - "$W/t.json" << 'EOP' || fail "JSON content"
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
ph = {e["ph"] for e in ev}
assert {"B", "E", "M"} <= ph, ph
assert any(e["ph"] == "B" and e["name"] == "KEXT_Load" and e["args"].get("bundle") == "com.example.kext.HelloKext" for e in ev)
assert all("pid" in e and ("tid" in e or e["ph"] == "M") for e in ev)
assert all(e["ts"] >= 0 for e in ev if e["ph"] != "M")
assert all(e.get("s") == "t" for e in ev if e["ph"] == "i")
# threads are named (kdebug's thread map): the request workers, which serve the system calls, are
# there from boot (a thread that starts and ends between the map and the dump may go unnamed)
names = {e["tid"]: e["args"]["name"] for e in ev if e["name"] == "thread_name"}
assert all(e["tid"] in names for e in ev if e["name"].startswith("BSC_")), names
assert "kern_request.worker" in names.values(), names
EOP
# a read consumes: a second dump is empty
"$KEXTHOST_BIN" trace dump > "$W/dump2" 2>&1
grep -q '^trace: 0 events' "$W/dump2" || { cat "$W/dump2"; fail "second dump not empty"; }

# a class filter: only DBG_MACH (1) events
"$KEXTHOST_BIN" trace start --class 1 || fail "trace start --class"
$B/sysctl kern.ostype > /dev/null
$B/kextstat > /dev/null
"$KEXTHOST_BIN" trace stop
"$KEXTHOST_BIN" trace dump > "$W/dump3" 2> /dev/null
grep -q 'MSC_mach_msg_trap' "$W/dump3" || { cat "$W/dump3"; fail "filtered trace lost DBG_MACH"; }
grep -Eq '  0[2-9a-f][0-9a-f]{6}  |  [1-9a-f][0-9a-f]{7}  ' "$W/dump3" && { cat "$W/dump3"; fail "class filter let other classes in"; }

# the pid filter: --pid 0 keeps the kernel's own work only (no system calls of a process),
# --exclude-pid 0 keeps the processes' (their system calls, named by their serving thread)
"$KEXTHOST_BIN" trace start --pid 0 || fail "trace start --pid 0"
$B/sysctl kern.ostype > /dev/null
"$KEXTHOST_BIN" trace stop
"$KEXTHOST_BIN" trace dump > "$W/dump4" 2> /dev/null
grep -q 'BSC_sysctl' "$W/dump4" && { cat "$W/dump4"; fail "--pid 0 let a process's system call in"; }
"$KEXTHOST_BIN" trace start --exclude-pid 0 || fail "trace start --exclude-pid 0"
$B/sysctl kern.ostype > /dev/null
"$KEXTHOST_BIN" trace stop
"$KEXTHOST_BIN" trace dump > "$W/dump5" 2> /dev/null
grep -Eq 'BSC_sysctl .*\[start\]  thread 0x[0-9a-f]+ kern_request.worker cpu' "$W/dump5" ||
	{ cat "$W/dump5"; fail "--exclude-pid 0 lost the system call (or its thread's name)"; }
st=0; "$KEXTHOST_BIN" trace start --pid 4000000 2> "$W/err" || st=$?
[ $st = 1 ] && grep -q 'selecting pid 4000000: No such process' "$W/err" || { cat "$W/err"; fail "unknown pid"; }

# stream: events printed as they come, until SIGTERM
$B/trace stream --class 4 > "$W/stream" 2>&1 &
spid=$!
poll grep -q BSC_ "$W/stream"
kill -TERM $spid
wait $spid || fail "stream exit status"
"$KEXTHOST_BIN" trace reset
echo "ok online"
EOS
TR_BIN=$BIN KEXTHOST_BIN=$BIN/kexthost "$BIN/kexthost" run --root "$root" -- sh "$work/t.sh" > "$work/out" 2>&1 ||
	{ cat "$work/out"; fail "online"; }
grep -q '^ok online' "$work/out" || { cat "$work/out"; fail "online"; }
echo "trace.sh: ok"
