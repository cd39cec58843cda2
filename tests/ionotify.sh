#!/bin/sh
# ionotify.sh — I/O Kit notifications in real separate processes
# (tests/mach/ionotify_probe.c under `kexthost run`), with the test kext
# NotifyTest installed in Extensions/ (demand-loaded: its service matches
# IOResources) and devctl publishing and removing virtual-bus nubs:
#  - first-match and terminated notifications as nubs come and go, the
#    notification descriptor polls readable, a released notification is quiet;
#  - interest notifications: a nub's termination, messageClients from a driver;
#  - async completions (0-16 arguments, a later completion while another
#    thread blocks in mach_msg), a connection's notification port;
#  - a process that exits holding notifications, ports with queued messages
#    and an async reference leaves a kernel that serves the next one.
set -eu
. tests/lib/root.sh
P=$(cd "$BUILD/tests/helpers" && pwd)/ionotify_probe
KEXT=$(cd "$BUILD/tests/kexts" && pwd)/NotifyTest.kext
kh_need_root "installing kexts and devctl changes need root"
kh_work_root "$KEXT"

cat > "$work/t.sh" << EOF2
set -e
export DEVCTL="$BIN/devctl"
"$P" match
"$P" interest
"$P" async
"$P" leak
"$P" async
EOF2
"$BIN/kexthost" run --root "$work/root" -- sh "$work/t.sh" > "$work/out" 2>&1 || { cat "$work/out"; fail "probe"; }
cat "$work/out"
grep -q '^ok match' "$work/out" || fail "match"
grep -q '^ok interest' "$work/out" || fail "interest"
[ "$(grep -c '^ok async' "$work/out")" = 2 ] || fail "async"
grep -q '^ok leak' "$work/out" || fail "leak"
if grep -q '^FAIL' "$work/out"; then fail "a check failed"; fi
echo "ionotify.sh: ok"
