#!/bin/sh
# dbgargs.sh — debug boot-args in a booted kernel (kexthost run):
#  - io=0x...: ioreg shows the IOKitDebug number on the root, the
#    debug.iokit sysctl reads it back, and publishing a device logs XNU's
#    attach/probe/start/registerService lines in the kernel log
#    (kexthost dmesg);
#  - -x (safe boot): kern.safeboot is 1; a kext without OSBundleRequired is
#    refused ("not loadable during safe boot", kOSKextReturnBootLevel) and
#    one with OSBundleRequired "Safe Boot" loads;
#  - without -x the same kext loads, and kern.safeboot is 0.
set -eu
. tests/lib/root.sh
kh_need_root "installing kexts needs root"
kh_work_root VirtualDevice HelloKext
# A copy of HelloKext that declares it is needed in safe boot.
cp -R "$KEXTS/HelloKext.kext" "$root/Extensions/SafeHello.kext"
sed -i -e '0,/<dict>/s//<dict>\n\t<key>OSBundleRequired<\/key>\n\t<string>Safe Boot<\/string>/' \
	-e 's/com.example.kext.HelloKext/com.example.kext.SafeHello/' "$root/Extensions/SafeHello.kext/Contents/Info.plist"
kh_fix_perms

# ---- io= ----
cat > "$work/io.sh" << 'EOF'
set -eu
B=$DBG_BIN
fail() { echo "FAIL(io): $*"; exit 1; }
$B/ioreg -w0 -d1 -l | grep -q '"IOKitDebug" = 527$' || { $B/ioreg -w0 -d1 -l; fail "IOKitDebug property"; }
[ "$($B/sysctl -n debug.iokit)" = 527 ] || fail "debug.iokit"
$B/devctl add --name vdev0 --prop VendorID=0x1234 --prop ProductID=1 --interrupts 1 > /dev/null
# the driver is demand-loaded and started by a config thread: poll, bounded
i=0
until $B/ioreg -w0 -r -c VirtualDeviceDriver | grep -q VirtualDeviceDriver; do
	i=$((i + 1)); [ $i -lt 500 ] || fail "driver never started"; sleep 0.02
done
EOF
DBG_BIN=$BIN "$BIN/kexthost" run --root "$root" --boot-args "io=0x20f" -- sh "$work/io.sh" || fail "io= run"
"$BIN/kexthost" dmesg --root "$root" > "$work/dmesg"
grep -q 'VirtualDeviceDriver::probe(vdev0)' "$work/dmesg" || { cat "$work/dmesg"; fail "kIOLogProbe line"; }
grep -q 'VirtualDeviceDriver::start(vdev0) <[0-9]*>' "$work/dmesg" || fail "kIOLogStart line"
grep -q 'VirtualDeviceDriver::attach(vdev0)' "$work/dmesg" || fail "kIOLogAttach line"
grep -q 'Registering: .*vdev0' "$work/dmesg" || fail "kIOLogRegister line"
grep -q 'IOCatalogue: adding personality VirtualDeviceDriver' "$work/dmesg" || fail "kIOLogCatalogue line"

# ---- -x ----
cat > "$work/x.sh" << 'EOF'
set -eu
B=$DBG_BIN
fail() { echo "FAIL(-x): $*"; exit 1; }
[ "$($B/sysctl -n kern.safeboot)" = 1 ] || fail "kern.safeboot"
set +e
$B/kextload -b com.example.kext.HelloKext > "$DBG_WORK/x.out" 2>&1
st=$?
set -e
[ $st != 0 ] || fail "a kext without OSBundleRequired loaded in safe boot"
grep -q 'not loadable during safe boot' "$DBG_WORK/x.out" || { cat "$DBG_WORK/x.out"; fail "safe boot message"; }
grep -q 'boot level' "$DBG_WORK/x.out" || { cat "$DBG_WORK/x.out"; fail "kOSKextReturnBootLevel"; }
$B/kextload -b com.example.kext.SafeHello > /dev/null || fail "a Safe Boot kext did not load"
$B/kextstat -l -b com.example.kext.SafeHello | grep -q com.example.kext.SafeHello || fail "SafeHello not in kextstat"
EOF
DBG_BIN=$BIN DBG_WORK=$work "$BIN/kexthost" run --root "$root" --boot-args "-x" -- sh "$work/x.sh" || fail "-x run"

cat > "$work/n.sh" << 'EOF'
set -eu
B=$DBG_BIN
[ "$($B/sysctl -n kern.safeboot)" = 0 ] || { echo "FAIL: kern.safeboot without -x"; exit 1; }
$B/kextload -b com.example.kext.HelloKext > /dev/null || { echo "FAIL: HelloKext without -x"; exit 1; }
EOF
DBG_BIN=$BIN "$BIN/kexthost" run --root "$root" -- sh "$work/n.sh" || fail "normal boot run"
echo "dbgargs.sh: ok"
