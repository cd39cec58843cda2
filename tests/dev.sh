#!/bin/sh
# dev.sh — sysctl and character devices end to end, with real separate
# processes against a booted kernel: the sysctl tool (read, -n, -a, writes;
# a non-root process refused on root-only oids, allowed on CTLFLAG_ANYBODY),
# the SysctlSample kext's SYSCTL_PROC oids, the BufferDevice kext driven by
# bufdevctl (write/read/ioctl/select, non-blocking read, a 0600 node refused
# to non-root, a blocked read ended by killing the client and its d_close
# running so the kext can unload), and devls.
set -eu
BUILD=${BUILD:-build}
BIN=$(cd "$BUILD/bin" && pwd)
KEXTS=$(cd "$BUILD/kexts" && pwd)
PATH=$BIN:$PATH
export PATH
fail() { echo "FAIL: $*"; exit 1; }

if [ "$(id -u)" != 0 ]; then
	echo "dev.sh: skipped (needs root to load kexts and to run a non-root client)"
	exit 0
fi

work=$(mktemp -d)
chmod 755 "$work"
root=$work/root
mkdir -p "$root/Extensions"
cp -R "$KEXTS/BufferDevice.kext" "$KEXTS/SysctlSample.kext" "$root/Extensions/"
chown -R 0:0 "$root/Extensions"
find "$root/Extensions" -type d -exec chmod 755 {} + -o -type f -exec chmod 644 {} +
kpid=
cleanup() {
	[ -n "$kpid" ] && kill -TERM "$kpid" 2> /dev/null && wait "$kpid" 2> /dev/null
	rm -rf "$work"
}
trap cleanup EXIT

kexthost boot --root "$root" > "$work/console.log" 2>&1 &
kpid=$!
i=0
until kexthost dmesg --root "$root" 2> /dev/null | grep -q 'kernel ready'; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "kernel did not boot"
	kill -0 "$kpid" 2> /dev/null || fail "kernel exited: $(cat "$work/console.log")"
	sleep 0.05
done
KEXTHOST_SOCKET=$root/var/run/kexthost.sock
export KEXTHOST_SOCKET
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

# ---- sysctl -------------------------------------------------------------------------------
[ "$(sysctl -n kern.ostype)" = Darwin ] || fail "kern.ostype"
sysctl kern.osrelease | grep -Eq '^kern.osrelease: [0-9]+\.[0-9]+\.[0-9]+$' || fail "kern.osrelease"
[ "$(sysctl -n hw.ncpu)" = "$(getconf _NPROCESSORS_ONLN)" ] || fail "hw.ncpu"
[ "$(sysctl -n hw.memsize)" -gt 0 ] || fail "hw.memsize"
sysctl kern.boottime | grep -q '{ sec = ' || fail "kern.boottime"
sysctl -a > "$work/all"
grep -q '^kern.version: Darwin Kernel Version' "$work/all" || fail "sysctl -a lacks kern.version"
grep -q '^debug.test_masked' "$work/all" && fail "sysctl -a shows a masked oid"
[ "$(sysctl -n debug.test_masked)" = 42 ] || fail "a masked oid is still readable by name"
sysctl hw | grep -q '^hw.pagesize: 4096$' || fail "sysctl of a node lists its subtree"
set +e
out=$(sysctl kern.nosuch 2>&1)
st=$?
set -e
[ $st = 1 ] && [ "$out" = "sysctl: unknown oid 'kern.nosuch'" ] || fail "unknown oid: $st $out"
[ "$(sysctl kern.hostname=mac-mini)" = "kern.hostname: kexthost -> mac-mini" ] || fail "root write"
set +e
out=$($NOBODY sysctl kern.hostname=evil 2>&1)
st=$?
set -e
[ $st = 1 ] && [ "$out" = "sysctl: kern.hostname=evil: Operation not permitted" ] || fail "non-root write: $out"
[ "$(sysctl -n kern.hostname)" = mac-mini ] || fail "hostname changed by non-root"
$NOBODY sysctl debug.test_anybody=7 > /dev/null || fail "non-root write of a CTLFLAG_ANYBODY oid"
[ "$(sysctl -n debug.test_anybody)" = 7 ] || fail "debug.test_anybody"
set +e
out=$(sysctl debug.test_int=abc 2>&1)
set -e
echo "$out" | grep -q "invalid value" || fail "bad number accepted: $out"

# ---- the samples ----------------------------------------------------------------------------
kextload "$root/Extensions/SysctlSample.kext" > /dev/null 2>&1 || fail "kextload SysctlSample"
kextload "$root/Extensions/BufferDevice.kext" > /dev/null 2>&1 || fail "kextload BufferDevice"
[ "$(sysctl -n debug.sysctlsample.value)" = 17 ] || fail "sample value"
sysctl debug.sysctlsample.hello | grep -q '^debug.sysctlsample.hello: hello #[0-9]* from pid [0-9]*$' || fail "hello"
[ "$(sysctl debug.sysctlsample.percent=42)" = "debug.sysctlsample.percent: 50 -> 42" ] || fail "percent"
sysctl debug.sysctlsample.percent=420 2>&1 | grep -q 'Invalid argument' || fail "percent range check"
$NOBODY sysctl debug.sysctlsample.percent=1 2>&1 | grep -q 'Operation not permitted' || fail "percent non-root"
$NOBODY sysctl debug.sysctlsample.value=3 > /dev/null || fail "value non-root"
sysctl debug.sysctlsample.hello=howdy > /dev/null || fail "set greeting"
sysctl -n debug.sysctlsample.hello | grep -q '^howdy #' || fail "greeting"

devls | grep -q ' bufdev$' || fail "devls: no bufdev"
devls bufdev.root | grep -q '^crw-------' || fail "devls: bufdev.root mode"
[ "$(bufdevctl write 'hello, device')" = "wrote 13 bytes" ] || fail "write"
[ "$(bufdevctl size)" = "size 4096, stored 13" ] || fail "size"
[ "$(bufdevctl read 5)" = "hello" ] || fail "read 5"
[ "$(bufdevctl wait 1000 | tr '\n' '|')" = "readable|, device|" ] || fail "select+read"
bufdevctl tryread 2>&1 | grep -q 'Resource temporarily unavailable' || fail "non-blocking read"
[ "$(bufdevctl wait 100)" = "timed out" ] || fail "select timeout"
[ "$(bufdevctl setsize 8)" = "size set to 8" ] || fail "setsize"
[ "$(bufdevctl write 0123456789)" = "wrote 8 bytes" ] || fail "write clipped to size"
bufdevctl write more 2>&1 | grep -q 'No space left' || fail "full buffer"
bufdevctl setsize 0 2>&1 | grep -q 'Invalid argument' || fail "setsize 0"
[ "$(bufdevctl clear)" = "cleared" ] || fail "clear"
bufdevctl stat | grep -Eq '^mode 020666 uid 0 gid 0 rdev [0-9]+,0$' || fail "fstat: $(bufdevctl stat 2>&1)"
[ "$(bufdevctl size)" = "size 8, stored 0" ] || fail "size after clear"
$NOBODY bufdevctl size > /dev/null || fail "non-root open of the 0666 node"

# A 0600 node: the device program can't open it as nobody.
out=$(BUFDEV=/dev/bufdev.root $NOBODY bufdevctl size 2>&1) && fail "nobody opened a 0600 node"
[ "$out" = "bufdevctl: open /dev/bufdev.root: Permission denied" ] || fail "0600 node: $out"
[ "$(BUFDEV=/dev/bufdev.root bufdevctl size)" = "size 8, stored 0" ] || fail "root opens the 0600 node"
# A blocked read, its client killed: d_close runs, so the kext can unload.
bufdevctl read > "$work/blocked.out" 2>&1 &
rpid=$!
sleep 0.3
kill -0 $rpid 2> /dev/null || fail "the read did not block: $(cat "$work/blocked.out")"
kill -KILL $rpid
wait $rpid 2> /dev/null || true
# The kernel notices the death asynchronously (hang-up watcher, then the worker): allow it time.
i=0
until kextunload -b com.example.kext.BufferDevice > /dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "unload after the client died"; sleep 0.05
done
devls | grep -q bufdev && fail "nodes left after unload"
kextunload -b com.example.kext.SysctlSample > /dev/null || fail "unload SysctlSample"
set +e
sysctl debug.sysctlsample.value > /dev/null 2>&1
st=$?
set -e
[ $st = 1 ] || fail "sample oids left after unload"
echo "dev.sh: all checks passed"
