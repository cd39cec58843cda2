#!/bin/sh
# demo.sh — `make demo`: boot the hosted kernel and walk through what exists
# so far, as a newcomer would want to see it. Each later issue adds a step.
set -eu
BUILD=${BUILD:-build}
K=$BUILD/bin/kexthost
root=$BUILD/demo-root
rm -rf "$root"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# demo_run NAME [NOTE]: show, then run $BUILD/demo-NAME.sh in a kernel booted on $root, with the
# tools on PATH (the kernel sets KEXTHOST_SOCKET, KEXTHOST_ROOT and KEXTHOST_PID for it)
demo_run() {
	echo "\$ $K run --root $root -- sh demo-$1.sh${2:+   ($2)}"
	PATH=$KB:$PATH $K run --root "$root" -- sh "$BUILD/demo-$1.sh"
}

step "1. Boot the kernel (verbose boot: -v mirrors the kernel log to the console)"
echo "\$ $K boot --root $root --boot-args \"-v\" &"
$K boot --root "$root" --boot-args "-v" > "$BUILD/demo-console.log" 2>&1 &
pid=$!
i=0
until grep -q 'kernel ready' "$BUILD/demo-console.log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 200 ] || ! kill -0 $pid 2>/dev/null; then
		cat "$BUILD/demo-console.log"; echo "demo: kernel did not boot"; exit 1
	fi
	sleep 0.05
done
cat "$BUILD/demo-console.log"

step "2. The kernel root: a Mac-like folder tree the kernel owns"
(cd "$root" && find . -maxdepth 3 | sort | sed 's/^/  /')

step "3. The message buffer, read by a separate process while the kernel runs"
echo "\$ $K dmesg --root $root | head -n 6"
$K dmesg --root "$root" | head -n 6

step "4. Boot-args reach kernel code through PE_parse_boot_argn (here: msgbuf size and debug flags)"
kill -TERM $pid; wait $pid
echo "\$ $K run --root $root --boot-args \"msgbuf=65536 debug=0x8\" -- $K dmesg --root $root"
$K run --root "$root" --boot-args "msgbuf=65536 debug=0x8" -- $K dmesg --root "$root" | grep -E 'boot-args|ready'

step "5. Clean shutdown on SIGTERM (exit status 0; a panic would exit 70)"
$K boot --root "$root" > "$BUILD/demo-console.log" 2>&1 &
pid=$!
i=0
until $K dmesg --root "$root" 2>/dev/null | tail -n 2 | grep -q 'kernel ready'; do
	i=$((i + 1)); [ $i -lt 200 ] || { echo "demo: no second boot"; exit 1; }; sleep 0.05
done
echo "\$ kill -TERM $pid"
kill -TERM $pid
st=0; wait $pid || st=$?
$K dmesg --root "$root" | tail -n 3
echo "kernel exit status: $st"

# ==== Kernel extensions (issue 3; written by the ktools helper) ======================
KB=$BUILD/bin
KX=$BUILD/kexts
step "6. Kernel extensions: build HelloKext with kextbuild (one command, Xcode-style kmod_info)"
echo "\$ $KB/kextbuild -o $BUILD/demo-HelloKext.kext --plist kexts/HelloKext/Info.plist \\"
echo "      --start HelloKext_start --stop HelloKext_stop kexts/HelloKext/HelloKext.c"
$KB/kextbuild -o "$BUILD/demo-HelloKext.kext" --plist kexts/HelloKext/Info.plist \
	--start HelloKext_start --stop HelloKext_stop kexts/HelloKext/HelloKext.c
(cd "$BUILD/demo-HelloKext.kext" && find . | sort | sed 's/^/  /')

step "7. Install it in the kernel root's Extensions folder (owned by root, not writable by others)"
ext=$root/Extensions
rm -rf "$ext/HelloKext.kext"
cp -R "$BUILD/demo-HelloKext.kext" "$ext/HelloKext.kext"
cp -R "$KX/MyLibrary.kext" "$KX/MyLibClient.kext" "$ext/"
if [ "$(id -u)" = 0 ]; then chown -R 0:0 "$ext"; fi
chmod -R go-w "$ext"
ls -l "$ext" | sed 's/^/  /'

step "8. kextload, kextstat, the kext's own log lines, kextunload (against a running kernel)"
cat > "$BUILD/demo-kexts.sh" << 'EOS'
show() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed 's/^/  /'; }
show kextload "$KEXTHOST_ROOT/Extensions/HelloKext.kext"
show kextload -b com.example.kext.MyLibClient
show kextstat -k
echo '$ kexthost dmesg | grep -e Hello -e MyLib'
kexthost dmesg --root "$KEXTHOST_ROOT" | grep -e 'Hello, World' -e 'HelloKext:' -e 'MyLibClient:' | sed 's/^/  /'
show kextunload -b com.example.kext.MyLibrary
show kextunload -b com.example.kext.MyLibClient -b com.example.kext.MyLibrary "$KEXTHOST_ROOT/Extensions/HelloKext.kext"
EOS
if [ "$(id -u)" = 0 ]; then
	demo_run kexts "the kernel sets KEXTHOST_SOCKET for the tools"
else
	echo "  (skipped: loading kexts needs root, and kexts must be root-owned)"
fi

step "9. Broken kexts: diagnostics offline (kextutil -n -t) and the libraries a kext needs (kextlibs)"
echo "\$ kextutil -n -t $KX/broken/MissingDependency.kext"
KEXTHOST_ROOT=$root $KB/kextutil -n -t "$KX/broken/MissingDependency.kext" 2>&1 | sed 's/^/  /' || true
echo "\$ kextutil -n -t $KX/broken/Unresolved.kext"
KEXTHOST_ROOT=$root $KB/kextutil -n -t "$KX/broken/Unresolved.kext" 2>&1 | sed 's/^/  /' || true
echo "\$ kextlibs -undef-symbols $KX/broken/Unresolved.kext"
KEXTHOST_ROOT=$root $KB/kextlibs -undef-symbols "$KX/broken/Unresolved.kext" 2>&1 | sed 's/^/  /' || true
echo "\$ kextlibs -xml kexts/MyLibClient   (paste into Info.plist's OSBundleLibraries)"
KEXTHOST_ROOT=$root $KB/kextlibs -xml "$KX/MyLibClient.kext" 2>/dev/null | sed 's/^/  /' || true
# ==== end of Kernel extensions =======================================================

# ==== Kernel control sockets, kernel events, KUNC (issue 4; written by the kctl helper) ====
step "10. Kernel control: the KernCtlSample kext and its user client kctlclient (PF_SYSTEM sockets)"
cat > "$BUILD/demo-kctl.sh" << 'EOS'
B=$KCTL_BIN
show() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed 's/^/  /'; }
show $B/kextload "$KEXTHOST_ROOT/Extensions/KernCtlSample.kext"
echo '$ kctlclient --events -V com.example.kext.KernCtlSample -c 2 &   (a kernel event listener)'
$B/kctlclient --events -V com.example.kext.KernCtlSample -c 2 -w 5 2>&1 | sed 's/^/  [listener] /' &
lp=$!
sleep 0.3
show $B/kctlclient -v PING "UPPER hello from user space"
wait $lp
show $B/kctlclient --setopt 1=1 --getopt 1
echo '$ setpriv --reuid=65534 ... kctlclient -n com.example.kext.KernCtlSample.admin PING   (privileged control, non-root)'
setpriv --reuid=65534 --regid=65534 --clear-groups $B/kctlclient -n com.example.kext.KernCtlSample.admin PING 2>&1 |
	sed 's/^/  /'
echo '$ kuncd --default 0 --count 2 &   (the KUNC notification agent)'
$B/kuncd --default 0 --count 2 2>&1 | sed 's/^/  [kuncd] /' &
kp=$!
sleep 0.3
show $B/kctlclient "NOTICE the demo says hello" "ALERT continue the demo?"
wait $kp
show $B/kextunload -b com.example.kext.KernCtlSample
echo '$ kexthost dmesg | grep -e KernCtlSample -e KUNC'
kexthost dmesg --root "$KEXTHOST_ROOT" | grep -e 'KernCtlSample:' -e 'KUNC:' | sed 's/^/  /'
EOS
if [ "$(id -u)" = 0 ]; then
	cp -R "$KX/KernCtlSample.kext" "$root/Extensions/"
	chown -R 0:0 "$root/Extensions/KernCtlSample.kext"
	chmod -R go-w "$root/Extensions/KernCtlSample.kext"
	chmod 755 "$BUILD" "$root" 2> /dev/null || true
	KCTL_BIN=$(cd "$KB" && pwd)
	export KCTL_BIN
	demo_run kctl
else
	echo "  (skipped: loading kexts needs root)"
fi
# ==== end of Kernel control sockets ==================================================

# ==== sysctl and character devices (issue 4; written by the dev helper) ================
step "11. sysctl and Mach: the standard nodes, a root-only write refused to nobody, sysctl -a, hostinfo and zprint over Mach messages"
cat > "$BUILD/demo-sysctl.sh" << 'EOS'
show() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed 's/^/  /'; }
show sysctl kern.ostype kern.osrelease kern.version kern.boottime hw.ncpu hw.memsize
show sysctl kern.hostname=demo-mac
echo '$ setpriv --reuid=65534 ... sysctl kern.hostname=evil   (root only: refused)'
setpriv --reuid=65534 --regid=65534 --clear-groups sysctl kern.hostname=evil 2>&1 | sed 's/^/  /'
echo '$ sysctl -a | head -n 12'
sysctl -a | head -n 12 | sed 's/^/  /'
echo '$ hostinfo   (host_self_trap, then the MIG routines host_kernel_version and host_info on the host port)'
hostinfo 2>&1 | sed 's/^/  /'
echo '$ zprint kalloc.1   (mach_zone_info on the host_priv port: the kernel zones, as on a Mac)'
zprint kalloc.1 2>&1 | sed 's/^/  /'
EOS
chmod 755 "$BUILD" "$root" 2> /dev/null || true
demo_run sysctl

step "12. Character device and custom sysctl: the BufferDevice and SysctlSample kexts, bufdevctl"
cat > "$BUILD/demo-dev.sh" << 'EOS'
show() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed 's/^/  /'; }
E=$KEXTHOST_ROOT/Extensions
show kextload "$E/BufferDevice.kext" "$E/SysctlSample.kext"
show devls
show bufdevctl write "hello, character device"
show bufdevctl size
show bufdevctl read 5
show bufdevctl wait 1000
show bufdevctl tryread
echo '$ bufdevctl read &   (blocks: the buffer is empty)'
bufdevctl read 2>&1 | sed 's/^/  [reader] /' &
sleep 0.3
show bufdevctl write "wakes the reader"
wait
show bufdevctl setsize 8
show bufdevctl write 0123456789
show bufdevctl clear
echo '$ BUFDEV=/dev/bufdev.root setpriv --reuid=65534 ... bufdevctl size   (a 0600 node)'
BUFDEV=/dev/bufdev.root setpriv --reuid=65534 --regid=65534 --clear-groups bufdevctl size 2>&1 | sed 's/^/  /'
show sysctl debug.sysctlsample
show sysctl debug.sysctlsample.percent=42
show sysctl debug.sysctlsample.percent=420
show sysctl debug.sysctlsample.hello=howdy
show sysctl -n debug.sysctlsample.hello
show kextunload -b com.example.kext.BufferDevice -b com.example.kext.SysctlSample
echo '$ kexthost dmesg | grep -e BufferDevice -e SysctlSample'
kexthost dmesg --root "$KEXTHOST_ROOT" | grep -e 'BufferDevice:' -e 'SysctlSample:' | sed 's/^/  /'
EOS
if [ "$(id -u)" = 0 ]; then
	cp -R "$KX/BufferDevice.kext" "$KX/SysctlSample.kext" "$root/Extensions/"
	chown -R 0:0 "$root/Extensions/BufferDevice.kext" "$root/Extensions/SysctlSample.kext"
	chmod -R go-w "$root/Extensions/BufferDevice.kext" "$root/Extensions/SysctlSample.kext"
	demo_run dev
else
	echo "  (skipped: loading kexts needs root)"
fi
# ==== end of sysctl and character devices =============================================

# ==== I/O Kit: the virtual device driver (issue 5, iokit-user) ========================
step "13. I/O Kit: the VirtualDevice driver kext, demand-loaded when devctl publishes a matching nub on the virtual bus"
cat > "$BUILD/demo-iokit.sh" << 'EOS'
show() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed 's/^/  /'; }
show ioreg -w0
echo '$ devctl add --name vdev --prop VendorID=0x1234 --prop ProductID=1 --interrupts 1'
id=$(devctl add --name vdev --prop VendorID=0x1234 --prop ProductID=1 --interrupts 1)
echo "  $id"
sleep 0.3
show devctl list
show kextstat -l -b com.example.driver.VirtualDevice
show ioreg -w0 -r -n IOVirtualBus
show ioreg -w0 -l -r -c VirtualDeviceDriver
echo "\$ for i in 1 2 3; do devctl interrupt $id; done; sleep 1"
for i in 1 2 3; do devctl interrupt "$id"; done
sleep 1
echo '$ ioreg -w0 -r -c VirtualDeviceDriver | grep -e InterruptCount -e TimerTicks -e LastInterruptAt   (changed)'
ioreg -w0 -r -c VirtualDeviceDriver | grep -e InterruptCount -e TimerTicks -e LastInterruptAt | sed 's/^/  /'
show kextunload -b com.example.driver.VirtualDevice
show devctl remove "$id"
show ioreg -w0 -r -n IOVirtualBus
show kextunload -b com.example.driver.VirtualDevice
echo '$ kexthost dmesg | grep -e IOVirtualBus -e VirtualDeviceDriver'
kexthost dmesg --root "$KEXTHOST_ROOT" | grep -e 'IOVirtualBus:' -e 'VirtualDeviceDriver:' | sed 's/^/  /'
EOS
if [ "$(id -u)" = 0 ]; then
	cp -R "$KX/VirtualDevice.kext" "$root/Extensions/"
	chown -R 0:0 "$root/Extensions/VirtualDevice.kext"
	chmod -R go-w "$root/Extensions/VirtualDevice.kext"
	echo "\$ cp -R VirtualDevice.kext $root/Extensions/   (installed, not kextload'ed)"
	demo_run iokit
else
	echo "  (skipped: installing kexts needs root)"
fi
# ==== end of I/O Kit ===================================================================

# ==== I/O Kit: exercise 3, a user client (issue 6, iosample) ==========================
step "14. Exercise 3: passing data with a user client — vdclient finds VirtualDeviceDriver, opens it, moves data both ways"
cat > "$BUILD/demo-vdclient.sh" << 'EOS'
show() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed 's/^/  /'; }
waitfor() { # waitfor CMD...: until CMD succeeds (10 s at most)
	i=0
	until "$@"; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo '  (timed out)'; return 1; }
		sleep 0.05
	done
}
watching() { grep -q watching "$KEXTHOST_ROOT/watch.out" 2> /dev/null; }
info_has() { vdclient info | grep -q "$1"; }
id=$(devctl add --name vdev --prop VendorID=0x1234 --prop ProductID=1 --interrupts 1)
echo "\$ devctl add --name vdev --prop VendorID=0x1234 --prop ProductID=1 --interrupts 1; devctl interrupt $id"
devctl interrupt "$id"
show vdclient run
echo '$ vdclient watch &      (another process waits for a state-change notification)'
vdclient watch 5000 > "$KEXTHOST_ROOT/watch.out" 2>&1 &
w=$!
waitfor watching
show vdclient state stop
wait $w
echo '  (the watcher:)'
sed 's/^/  /' "$KEXTHOST_ROOT/watch.out"
vdclient state run > /dev/null
echo '$ vdclient sleep 1000 &  ... kill -9 it mid-call; the driver sees clientDied once the call returns'
vdclient sleep 1000 > /dev/null &
k=$!
waitfor info_has ' 1 sleeping'
kill -9 $k
wait $k 2> /dev/null
show vdclient info
waitfor info_has ' 1 died'
show vdclient info
echo '$ ioreg -w0 -r -c VirtualDeviceDriver | grep -e ClientsDied -e State'
ioreg -w0 -r -c VirtualDeviceDriver | grep -e ClientsDied -e State | sed 's/^/  /'
echo '$ kexthost dmesg | grep VirtualDeviceUserClient'
kexthost dmesg --root "$KEXTHOST_ROOT" | grep 'VirtualDeviceUserClient:' | sed 's/^/  /'
devctl remove "$id"
EOS
if [ "$(id -u)" = 0 ]; then
	demo_run vdclient
else
	echo "  (skipped: installing kexts needs root)"
fi
# ==== end of exercise 3 ================================================================

# ==== Debugging a kext with gdb (issue 8, dbgjit) =====================================
step "15. Debugging the kernel: gdb attaches to the running kernel and breaks in a kext's sysctl handler (JIT-registered symbols)"
cat > "$BUILD/demo-gdb.sh" << 'EOS'
set -u
E=$KEXTHOST_ROOT/Extensions
kextload "$E/SysctlSample.kext" > /dev/null 2>&1
line=$(grep -n 'SysctlSample: percent %d -> %d' kexts/SysctlSample/SysctlSample.c | cut -d: -f1)
echo "\$ gdb -p \$KEXTHOST_PID -batch -ex 'break SysctlSample.c:$line' -ex continue -ex 'bt 2' -ex 'print v' -ex 'list $line,$line' -ex detach"
echo "  (and meanwhile, from another process: sysctl -w debug.sysctlsample.percent=42)"
timeout 30 gdb -nx -batch -p "$KEXTHOST_PID" -ex 'set pagination off' -ex "break SysctlSample.c:$line" \
	-ex continue -ex 'bt 2' -ex 'print v' -ex "list $line,$line" -ex detach > "$KEXTHOST_ROOT/gdb.out" 2>&1 &
g=$!
# the client's write may come before gdb has attached: repeat it until gdb is done
while kill -0 $g 2> /dev/null; do
	sysctl -w debug.sysctlsample.percent=42 > /dev/null 2>&1
	sleep 0.3
done
grep -E '^(Breakpoint 1|Thread .* hit|#[0-9]|\$1|[0-9]+[[:space:]]+printf|\[Inferior)' "$KEXTHOST_ROOT/gdb.out" | sed 's/^/  /'
kextunload -b com.example.kext.SysctlSample > /dev/null 2>&1
EOS
if [ "$(id -u)" = 0 ] && command -v gdb > /dev/null 2>&1; then
	cp -R "$KX/SysctlSample.kext" "$root/Extensions/" 2> /dev/null || true
	chown -R 0:0 "$root/Extensions/SysctlSample.kext"
	chmod -R go-w "$root/Extensions/SysctlSample.kext"
	demo_run gdb "docs/DEBUGGING.md walks through it"
else
	echo "  (skipped: needs root and gdb)"
fi
# ==== end of debugging with gdb =======================================================

# ==== I/O Kit: power management, a sleep/wake cycle (issue 7, pm) =====================
step "16. Power management — vdpower hears a sleep/wake cycle; VirtualDeviceDriver goes off and back on"
cat > "$BUILD/demo-pm.sh" << 'EOS'
id=$(devctl add --name vdev --prop VendorID=0x1234 --prop ProductID=1 --interrupts 1)
i=0
until ioreg -p IOPower | grep -q VirtualDeviceDriver; do i=$((i + 1)); [ $i -lt 200 ] || break; sleep 0.05; done
echo '$ ioreg -p IOPower'
ioreg -w0 -p IOPower | sed 's/^/  /'
echo '$ vdpower &     (IORegisterForSystemPower: prints and answers each message)'
vdpower --count 3 --timeout-ms 10000 > "$KEXTHOST_ROOT/pm.out" 2>&1 &
p=$!
i=0
until grep -q ready "$KEXTHOST_ROOT/pm.out" 2> /dev/null; do i=$((i + 1)); [ $i -lt 200 ] || break; sleep 0.05; done
echo '$ pmset sleepnow; pmset -g; pmset wake'
pmset sleepnow | sed 's/^/  /'
pmset -g | sed 's/^/  /'
pmset wake | sed 's/^/  /'
wait $p
echo '  (vdpower saw:)'
sed 's/^/  /' "$KEXTHOST_ROOT/pm.out"
echo '$ kexthost dmesg | grep -e setPowerState -e "PM:"'
kexthost dmesg --root "$KEXTHOST_ROOT" | grep -e 'setPowerState' -e 'PM:' | sed 's/^/  /'
devctl remove "$id"
EOS
if [ "$(id -u)" = 0 ]; then
	demo_run pm
else
	echo "  (skipped: installing kexts and pmset sleepnow need root)"
fi
# ==== end of power management =========================================================

# ==== Plug and play (issue 7, pnp2) ====================================================
step "17. Plug and play: hot-add a device (its driver matches and starts), vdwatch shows the events, orderly and surprise removal"
cat > "$BUILD/demo-pnp.sh" << 'EOS'
show() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed 's/^/  /'; }
seen() { # seen ERE [N]: vdwatch printed N (default 1) lines matching ERE (waits 10 s at most)
	i=0
	until [ "$(grep -Ec "$1" "$KEXTHOST_ROOT/vdwatch.out" 2> /dev/null)" -ge "${2:-1}" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "  (timed out waiting for '$1')"; return 1; }
		sleep 0.05
	done
}
show ioreg -w0 -r -n IOVirtualBus
echo '$ vdwatch --call-every 20 &     (another process: matching + interest notifications, a call every 20 ms)'
vdwatch --call-every 20 --timeout 20000 > "$KEXTHOST_ROOT/vdwatch.out" 2>&1 &
w=$!
seen '^vdwatch: watching'
echo '$ devctl add --name pnp --prop VendorID=0x1234 --prop ProductID=1 --sprop Color=blue --interrupts 1'
id=$(devctl add --name pnp --prop VendorID=0x1234 --prop ProductID=1 --sprop Color=blue --interrupts 1)
echo "  $id"
seen 'kVDGetInfo ok'
show devctl list
show ioreg -w0 -r -n IOVirtualBus
show devctl remove "$id"
seen 'close '
id=$(devctl add --name pnp --prop VendorID=0x1234 --prop ProductID=1 --interrupts 1)
echo "\$ devctl add ... (a second device: $id)"
seen 'kVDGetInfo ok' 2
show devctl remove "$id" --surprise
seen 'kIOReturnNoDevice'
kill -TERM $w
wait $w || true
echo '  (vdwatch, as it happened: the terminated notification (phase 1), then the interest message'
echo '   (phase 2); calls fail cleanly from the removal on: not attached after an orderly removal,'
echo '   no device after a surprise one)'
sed 's/^/  /' "$KEXTHOST_ROOT/vdwatch.out"
show ioreg -w0 -r -n IOVirtualBus
EOS
if [ "$(id -u)" = 0 ]; then
	demo_run pnp
else
	echo "  (skipped: installing kexts needs root)"
fi
# ==== end of plug and play ==============================================================

# ==== kdebug tracing (issue 8; written by the kdebug helper) ==========================
step "18. Tracing: trace a kext load with kexthost trace; text here, a Perfetto timeline in JSON"
if [ "$(id -u)" = 0 ] && [ -d "$root/Extensions/HelloKext.kext" ]; then
	cat > "$BUILD/demo-trace.sh" << 'EOS'
set -eu
T=$(dirname "$KEXTHOST_ROOT")/demo-trace.json
echo '$ kexthost trace start --class 1     (DBG_MACH: Mach traps and kext loads)'
kexthost trace start --class 1
kextload -b com.example.kext.HelloKext > /dev/null 2>&1
kextunload -b com.example.kext.HelloKext > /dev/null 2>&1
kexthost trace stop
echo "\$ kexthost trace dump --json $T | grep KEXT_"
kexthost trace dump --json "$T" 2> /dev/null | grep KEXT_ | sed 's/^/  /'
echo "  (open $T in https://ui.perfetto.dev for the timeline)"
kexthost trace reset
EOS
	PATH=$KB:$PATH $K run --root "$root" -- sh "$BUILD/demo-trace.sh"
else
	echo "  (skipped: needs root and the HelloKext installed by step 7)"
fi
# ==== end of kdebug tracing ===========================================================

# ==== a kext bug ends in a panic report (issue 8) =======================================
step "19. A kext bug: the Buggy sample dereferences NULL; the kernel panics with a report"
if [ "$(id -u)" = 0 ]; then
	proot=$BUILD/demo-panic-root
	rm -rf "$proot"
	mkdir -p "$proot/Extensions"
	cp -R "$BUILD/kexts/Buggy.kext" "$proot/Extensions/"
	chown -R 0:0 "$proot/Extensions"
	chmod -R go-w "$proot/Extensions"
	echo "\$ $K boot --root $proot &; kextload Buggy.kext; buggy-trigger null"
	$K boot --root "$proot" > "$BUILD/demo-panic.console" 2>&1 &
	pk=$!
	i=0
	until [ -S "$proot/var/run/kexthost.sock" ] && $K dmesg --root "$proot" 2> /dev/null | grep -q 'kernel ready'; do
		i=$((i + 1))
		[ $i -lt 200 ] || break
		sleep 0.05
	done
	KEXTHOST_SOCKET=$proot/var/run/kexthost.sock $KB/kextload "$proot/Extensions/Buggy.kext" | sed 's/^/  /'
	KEXTHOST_SOCKET=$proot/var/run/kexthost.sock $KB/buggy-trigger null 2>&1 | sed 's/^/  /' || true
	wait $pk || echo "  (kernel exit status $?: 70 = panic)"
	echo '  (the report, from the console:)'
	sed -n '/^panic(/,/^Kext load layout/p' "$BUILD/demo-panic.console" | sed 's/^/  /'
	echo "\$ $K panics --root $proot"
	$K panics --root "$proot" | sed 's/^/  /'
	echo "\$ $K symbolicate --root $proot <report>   (the backtrace with source lines)"
	for r in "$proot"/Library/Logs/DiagnosticReports/Kernel-*.panic; do
		$K symbolicate --root "$proot" "$r" | sed -n '/^Backtrace/,/Kernel Extensions/p' | head -4 | sed 's/^/  /'
	done
else
	echo "  (skipped: loading kexts needs root)"
fi

step "Next: make check (tests), make bench (figures), docs/ARCHITECTURE.md, docs/KEXTS.md, docs/USERKERNEL.md, docs/IOKIT.md, docs/DEBUGGING.md"
