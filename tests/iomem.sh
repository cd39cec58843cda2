#!/bin/sh
# iomem.sh — memory shared with a user client, from real separate processes
# (tests/mach/iomem_probe.c under `kexthost run`) against the test kext MemTest
# installed in Extensions/ (loaded on demand: its service matches IOResources):
#  - IOConnectMapMemory64 / IOConnectMapMemory: the driver's writes seen in the
#    mapping and ours seen by the driver, the same mapping when mapped twice,
#    read-only mappings that fault on a write, a fixed address, refusals (memory
#    not made kIOMemoryKernelUserShared, unknown types, another task), unmap and
#    unmap again refused, map again after unmapping;
#  - a process killed while it holds a mapping: another process maps the same
#    memory afterwards and the kernel logs no error.
set -eu
. tests/lib/root.sh
P=$(cd "$BUILD/tests/helpers" && pwd)/iomem_probe
KEXT=$(cd "$BUILD/tests/kexts" && pwd)/MemTest.kext
kh_need_root "installing kexts needs root"
kh_work_root "$KEXT"

cat > "$work/t.sh" << EOF
set -eu
P="$P"
W="$work"
EOF
cat >> "$work/t.sh" << 'EOF'
fail() { echo "FAIL(online): $*"; exit 1; }

"$P" map > "$W/map" 2>&1 || { cat "$W/map"; fail "map"; }
grep -q '^ok map' "$W/map" || { cat "$W/map"; fail "map"; }
# The ring stays off for the map calls: the same with the socket only.
KEXTHOST_NO_SHM=1 "$P" map > "$W/map2" 2>&1 || { cat "$W/map2"; fail "map without the ring"; }

# killed while holding a mapping
"$P" hold > "$W/hold" 2>&1 &
pid=$!
i=0
until grep -q mapped "$W/hold"; do
	i=$((i + 1))
	[ $i -lt 200 ] || fail "the holder did not map"
	sleep 0.05
done
kill -9 $pid
wait $pid 2> /dev/null || true
"$P" map > "$W/map3" 2>&1 || { cat "$W/map3"; fail "map after a holder died"; }
echo "ok online"
EOF
"$BIN/kexthost" run --root "$work/root" -- sh "$work/t.sh" > "$work/out" 2>&1 || { cat "$work/out"; fail "online"; }
grep -q '^ok online' "$work/out" || { cat "$work/out"; fail "online"; }
# The only memory complaint the kernel logs is the refused private buffer.
"$BIN/kexthost" dmesg --root "$work/root" > "$work/dmesg" 2>&1 || true
if grep "IOMemoryDescriptor\|io_connect_map" "$work/dmesg" | grep -v "kIOMemoryKernelUserShared"; then
	fail "unexpected kernel log lines"
fi
echo "iomem.sh: ok"
