#!/bin/sh
# iokit.sh — the I/O Kit from separate user processes against a booted kernel
# (kexthost run), with the VirtualDevice kext installed in Extensions/ (never
# kextload'ed), tools/devctl and tools/ioreg:
#  - ioreg's format: the tree (Root, the platform nub, IOResources, the
#    virtual bus), state fields, property blocks, -d, -n, -c, -k, -r, -x, -w;
#  - devctl add publishes a matching nub: the driver is demand-loaded and
#    started (class, personality and state properties in ioreg);
#  - interrupts raised with devctl reach the driver (InterruptCount grows, at
#    most by what was raised; coalescing allowed), TimerTicks grows;
#  - kextunload is refused while the driver lives ("classes have
#    instances"); devctl remove terminates it, after which kextunload works;
#  - ioreg -a is a well-formed property list (xmllint or python3 plistlib);
#  - non-root devctl changes are refused (EPERM), listing is not; bad IDs,
#    lines and arguments are refused with clear errors.
set -eu
. tests/lib/root.sh
kh_need_root "installing kexts needs root"
kh_work_root VirtualDevice

cat > "$work/t.sh" << 'EOF'
set -eu
B=$IOK_BIN
W=$(dirname "$KEXTHOST_ROOT")
fail() { echo "FAIL(online): $*"; exit 1; }
run() { set +e; "$@" > "$W/o" 2>&1; st=$?; set -e; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
prop() { # prop KEY: the value of "KEY" in the driver's property block
	$B/ioreg -w0 -r -c VirtualDeviceDriver | sed -n "s/^ *\"$1\" = //p" | head -n 1
}

# the boot tree
run $B/ioreg -w0
grep -Eq '^\+-o Root  <class IORegistryEntry, id 0x100000100, retain [0-9]+>$' "$W/o" || { cat "$W/o"; fail "root line"; }
grep -Eq '^  \+-o kexthost1,1  <class IOPlatformExpertDevice, id 0x[0-9a-f]+, registered, matched, active, busy 0( \([0-9]+ ms\))?, retain [0-9]+>$' "$W/o" ||
	{ cat "$W/o"; fail "platform line"; }
grep -Eq '^    (\+|\|)-o IOResources  <class IOResources' "$W/o" || grep -q '+-o IOResources  <class IOResources' "$W/o" || { cat "$W/o"; fail "IOResources"; }
grep -q '+-o IOVirtualBus  <class IOVirtualBus, id 0x' "$W/o" || { cat "$W/o"; fail "virtual bus"; }
grep -q VirtualDeviceDriver "$W/o" && fail "driver before any device"
# -d 1: the root alone; -d 2: and its child
[ "$($B/ioreg -w0 -d 1 | wc -l)" = 1 ] || fail "-d 1"
[ "$($B/ioreg -w0 -d 2 | wc -l)" = 2 ] || fail "-d 2"
# -n shows the named entry's properties; -k the entries with the key; -x numbers in hex
run $B/ioreg -w0 -n IOResources
grep -Eq '^    \|? *\{$' "$W/o" && grep -q '"IOKit" = Yes' "$W/o" || { cat "$W/o"; fail "-n IOResources properties"; }
run $B/ioreg -w0 -r -k model
grep -q '^+-o kexthost1,1  <class IOPlatformExpertDevice' "$W/o" && grep -q '"model" = "kexthost1,1"' "$W/o" ||
	{ cat "$W/o"; fail "-r -k model"; }
run $B/ioreg -w 30
awk 'length($0) > 30 { exit 1 }' "$W/o" || { cat "$W/o"; fail "-w 30 clipping"; }
grep -q '\$$' "$W/o" || { cat "$W/o"; fail "clipped lines end in \$"; }
run $B/ioreg -p IONoSuchPlane
[ $st = 1 ] && grep -q 'ioreg: error' "$W/o" || { cat "$W/o"; fail "unknown plane"; }
run $B/ioreg -z
[ $st = 1 ] && grep -q '^usage: ioreg' "$W/o" || { cat "$W/o"; fail "bad option"; }

# publish a device the driver matches; the kext loads on demand
id=$($B/devctl add --name vdev --prop VendorID=0x1234 --prop ProductID=1 --interrupts 2) || fail "devctl add"
echo "$id" | grep -Eq '^0x[0-9a-f]+$' || fail "devctl add printed '$id'"
other=$($B/devctl add --name other --location 7f --prop VendorID=1 --sprop Label=plain) || fail "devctl add other"
i=0
until [ "$(prop State)" = '"Running"' ]; do
	i=$((i + 1)); [ $i -lt 200 ] || { $B/ioreg -w0 -l; fail "driver did not start"; }; sleep 0.05
done
run $B/kextstat -l -b com.example.driver.VirtualDevice
grep -q 'com.example.driver.VirtualDevice (1.0.0)' "$W/o" || { cat "$W/o"; fail "kext not loaded on demand"; }
run $B/devctl list
grep -Eq "^$id +vdev +1 +2$" "$W/o" && grep -Eq "^$other +other +7f +0$" "$W/o" || { cat "$W/o"; fail "devctl list"; }
nobody $B/devctl list > /dev/null || fail "listing as nobody"

# the tree: the driver below its nub, the unmatched device without one
run $B/ioreg -w0 -r -n IOVirtualBus
grep -Eq "^  [+|]-o vdev@1  <class IOVirtualDevice, id $id, registered, matched, active, busy 0" "$W/o" ||
	{ cat "$W/o"; fail "nub line"; }
grep -Eq '^  \|? +\+-o VirtualDeviceDriver  <class VirtualDeviceDriver, id 0x[0-9a-f]+, registered, matched, active, busy 0' "$W/o" ||
	{ cat "$W/o"; fail "driver line below the nub"; }
grep -q "+-o other@7f  <class IOVirtualDevice" "$W/o" || { cat "$W/o"; fail "other nub"; }
[ "$(grep -c VirtualDeviceDriver "$W/o")" = 1 ] || { cat "$W/o"; fail "a driver on the unmatched nub"; }
run $B/ioreg -w0 -r -c IOVirtualDevice -n other
grep -q '"Label" = "plain"' "$W/o" && grep -q '"VendorID" = 1$' "$W/o" || { cat "$W/o"; fail "-c -n properties"; }
run $B/ioreg -w0 -x -r -n vdev
grep -q '"VendorID" = 0x1234' "$W/o" || { cat "$W/o"; fail "-x"; }
run $B/ioreg -w0 -i -r -c VirtualDeviceDriver
grep -q '<class IORegistryEntry:IOService:VirtualDeviceDriver, id' "$W/o" || { cat "$W/o"; fail "-i"; }
run $B/ioreg -w0 -l -r -c VirtualDeviceDriver
for k in '"IOClass" = "VirtualDeviceDriver"' '"IOProviderClass" = "IOVirtualDevice"' \
	'"CFBundleIdentifier" = "com.example.driver.VirtualDevice"' '"IOProbeScore" = 1000' '"State" = "Running"'; do
	grep -qF "$k" "$W/o" || { cat "$W/o"; fail "driver property $k"; }
done

# interrupts: raise 5 on line 0 and see them counted (coalescing allowed)
c0=$(prop InterruptCount)
[ "$c0" = 0 ] || fail "InterruptCount before any interrupt: $c0"
for n in 1 2 3 4 5; do $B/devctl interrupt "$id" || fail "devctl interrupt"; done
i=0
until c=$(prop InterruptCount) && [ "$c" -gt 0 ] && [ -n "$(prop LastInterruptAt)" ]; do
	i=$((i + 1)); [ $i -lt 200 ] || fail "no interrupt counted"; sleep 0.05
done
[ "$c" -le 5 ] || fail "InterruptCount $c > 5 raised"
$B/devctl interrupt "$id" 1 || fail "line 1 exists"
run $B/devctl interrupt "$id" 2
[ $st = 1 ] && grep -q kIOReturnNoInterrupt "$W/o" || { cat "$W/o"; fail "line 2 accepted"; }
run $B/devctl interrupt 0x1
[ $st = 1 ] && grep -q kIOReturnNotFound "$W/o" || { cat "$W/o"; fail "interrupt on no device"; }
# the timer ticks every 500 ms
t0=$(prop TimerTicks)
i=0
until [ "$(prop TimerTicks)" -gt "$t0" ]; do
	i=$((i + 1)); [ $i -lt 100 ] || fail "TimerTicks stuck at $t0"; sleep 0.1
done

# ioreg -a is a property list
$B/ioreg -a > "$W/a.xml"
$B/ioreg -a -l -r -c VirtualDeviceDriver > "$W/r.xml"
if command -v python3 > /dev/null; then
	python3 - "$W/a.xml" "$W/r.xml" << 'PY' || fail "ioreg -a does not parse"
import plistlib, sys
root = plistlib.load(open(sys.argv[1], "rb"))
assert root["IORegistryEntryName"] == "Root" and root["IOObjectClass"] == "IORegistryEntry"
names = []
def walk(e):
    names.append(e["IORegistryEntryName"])
    for c in e.get("IORegistryEntryChildren", []):
        walk(c)
walk(root)
assert "VirtualDeviceDriver" in names and "vdev" in names, names
sub = plistlib.load(open(sys.argv[2], "rb"))
assert isinstance(sub, list) and len(sub) == 1, sub
assert sub[0]["IOObjectClass"] == "VirtualDeviceDriver" and sub[0]["State"] == "Running", sub[0]
PY
elif command -v xmllint > /dev/null; then
	xmllint --noout "$W/a.xml" "$W/r.xml" || fail "ioreg -a is not XML"
fi

# privileges and bad requests
run nobody $B/devctl add --name x
[ $st = 1 ] && grep -q 'Operation not permitted' "$W/o" || { cat "$W/o"; fail "non-root add"; }
run nobody $B/devctl interrupt "$id"
[ $st = 1 ] && grep -q 'Operation not permitted' "$W/o" || { cat "$W/o"; fail "non-root interrupt"; }
run nobody $B/devctl remove "$id"
[ $st = 1 ] && grep -q 'Operation not permitted' "$W/o" || { cat "$W/o"; fail "non-root remove"; }
run $B/devctl add --name 'bad/name'
[ $st = 1 ] && grep -q kIOReturnBadArgument "$W/o" || { cat "$W/o"; fail "bad name accepted"; }
run $B/devctl add --name x --interrupts 99
[ $st = 64 ] || { cat "$W/o"; fail "99 interrupts accepted"; }
run $B/devctl frob
[ $st = 64 ] || fail "bad command"

# unload refused while the driver lives; remove terminates it; then unload works
run $B/kextunload -b com.example.driver.VirtualDevice
[ $st != 0 ] || fail "kextunload succeeded with a driver instance"
$B/kexthost dmesg --root "$KEXTHOST_ROOT" 2> /dev/null | grep -q 'classes have instances' ||
	grep -q 'classes have instances' "$W/o" || { cat "$W/o"; fail "no 'classes have instances'"; }
$B/devctl remove "$id" || fail "devctl remove"
run $B/ioreg -w0 -r -c VirtualDeviceDriver
[ -s "$W/o" ] && { cat "$W/o"; fail "driver still in the registry"; }
run $B/devctl remove "$id"
[ $st = 1 ] && grep -q kIOReturnNotFound "$W/o" || { cat "$W/o"; fail "second remove"; }
$B/kextunload -b com.example.driver.VirtualDevice > "$W/o" 2>&1 || { cat "$W/o"; fail "kextunload after remove"; }
$B/devctl remove "$other" || fail "remove other"
run $B/devctl list
[ "$(wc -l < "$W/o")" = 1 ] || { cat "$W/o"; fail "devices left"; }
echo "online ok"
EOF
IOK_BIN=$BIN "$BIN/kexthost" run --root "$root" -- sh "$work/t.sh" > "$work/online.log" 2>&1 ||
	{ cat "$work/online.log"; "$BIN/kexthost" dmesg --root "$root" | tail -n 30; fail "online part"; }
grep -q 'online ok' "$work/online.log" || { cat "$work/online.log"; fail "online part did not finish"; }
"$BIN/kexthost" dmesg --root "$root" > "$work/dmesg"
grep -q 'VirtualDeviceDriver: started on vdev' "$work/dmesg" || { tail -n 30 "$work/dmesg"; fail "start not logged"; }
grep -q 'VirtualDeviceDriver: stopping' "$work/dmesg" || { tail -n 30 "$work/dmesg"; fail "stop not logged"; }
echo "iokit ok"
