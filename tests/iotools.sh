#!/bin/sh
# iotools.sh — ioreg and the kext tools on their IOKitLib / Mach paths, from
# real processes of both kinds (kexthost run; tests/mach/kextreq_probe.c):
#  - ioreg works for a non-root process and shows what root sees (retain
#    counts aside: each reader's handles count);
#  - kext_request refuses non-root loads and unloads with exactly the
#    result and messages of the request channel's KHRQ_T_KEXT_REQUEST, and
#    both paths agree for root too (root's host port is host_priv);
#  - kext_request's argument checks (count, no data, a port that isn't a
#    host port) and OSKextCopyLoadedKextInfo for anyone.
set -eu
BUILD=${BUILD:-build}
BIN=$(cd "$BUILD/bin" && pwd)
P=$(cd "$BUILD/tests/helpers" && pwd)/kextreq_probe
KEXTS=$(cd "$BUILD/kexts" && pwd)
fail() { echo "FAIL: $*"; exit 1; }

if [ "$(id -u)" != 0 ]; then
	echo "iotools.sh: skipped (running as another user needs root)"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work" # nobody must reach the socket
mkdir -p "$work/root/Extensions"
cp -R "$KEXTS/HelloKext.kext" "$work/root/Extensions/"
chown -R 0:0 "$work/root/Extensions"
chmod -R go-w "$work/root/Extensions"

cat > "$work/t.sh" << EOF
set -eu
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "\$@"; }
cd "$work"
norm() { sed -E 's/retain [0-9]+/retain N/'; }
# ioreg as nobody: the same tree and properties as root's
"$BIN/ioreg" -w0 -l | norm > root.txt
nobody "$BIN/ioreg" -w0 -l | norm > nobody.txt
cmp root.txt nobody.txt || { diff root.txt nobody.txt; echo "FAIL ioreg differs for nobody"; exit 1; }
grep -q '^+-o Root  <class IORegistryEntry' nobody.txt || { cat nobody.txt; echo "FAIL ioreg as nobody"; exit 1; }
nobody "$BIN/ioreg" -w0 -r -c IOResources -i > ir.txt
grep -q '<class IORegistryEntry:IOService:IOResources, id 0x' ir.txt || { cat ir.txt; echo "FAIL ioreg -i as nobody"; exit 1; }
# the Mach path against the request channel, as nobody and as root
nobody "$P" compare Load com.example.kext.HelloKext > n-load.txt
nobody "$P" compare Unload com.apple.kpi.bsd > n-unload.txt
"$P" compare Unload com.apple.kpi.bsd > r-unload.txt
"$P" compare Unload com.example.no.such.kext > r-none.txt
for f in n-load n-unload r-unload r-none; do
	grep -q '^ok compare' \$f.txt || { cat \$f.txt; echo "FAIL \$f"; exit 1; }
	sed -n 's/^socket //p' \$f.txt > \$f.socket
	sed -n 's/^mach //p' \$f.txt > \$f.mach
	cmp \$f.socket \$f.mach || { cat \$f.txt; echo "FAIL \$f: the paths disagree"; exit 1; }
done
grep -q 'result 0xdc008004' n-load.mach && grep -q 'must be root user' n-load.mach ||
	{ cat n-load.txt; echo "FAIL non-root load not refused"; exit 1; }
grep -q 'result 0xdc008004' n-unload.mach && grep -q 'Access Failure - must be root user.' n-unload.mach ||
	{ cat n-unload.txt; echo "FAIL non-root unload not refused"; exit 1; }
grep -q 'must be root user' r-unload.mach && { cat r-unload.txt; echo "FAIL root refused as non-root"; exit 1; }
grep -q 'result 0x0' r-unload.mach && { cat r-unload.txt; echo "FAIL unloaded a KPI"; exit 1; }
grep -q 'not found for unload request' r-none.mach || { cat r-none.txt; echo "FAIL unknown kext"; exit 1; }
# the tools themselves, as nobody: refusal texts and exit statuses as before
set +e
nobody "$BIN/kextload" -b com.example.kext.HelloKext > kl.txt 2>&1; st=\$?
set -e
[ \$st = 77 ] && grep -q 'failed to load - (libkern/kext) not privileged' kl.txt ||
	{ cat kl.txt; echo "FAIL kextload as nobody: exit \$st"; exit 1; }
"$BIN/kextload" -b com.example.kext.HelloKext > /dev/null
nobody "$BIN/kextstat" -l -b com.example.kext.HelloKext | grep -q 'com.example.kext.HelloKext (' ||
	{ echo "FAIL kextstat as nobody"; exit 1; }
"$BIN/kextunload" -b com.example.kext.HelloKext > /dev/null
for who in "" nobody; do
	\$who "$P" port | grep -q '^ok port' || { \$who "$P" port; echo "FAIL port \$who"; exit 1; }
	\$who "$P" malformed | grep -q '^ok malformed' || { \$who "$P" malformed; echo "FAIL malformed \$who"; exit 1; }
	\$who "$P" info | grep -q '^ok info' || { \$who "$P" info; echo "FAIL info \$who"; exit 1; }
done
echo "online ok"
EOF
"$BIN/kexthost" run --root "$work/root" -- sh "$work/t.sh" > "$work/log" 2>&1 || { cat "$work/log"; fail "online part"; }
grep -q 'online ok' "$work/log" || { cat "$work/log"; fail "online part did not finish"; }
echo "iotools.sh: ok"
