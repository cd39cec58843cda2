#!/bin/sh
# pm.sh — system sleep and wake from real processes: vdpower registers for
# system power (IORegisterForSystemPower) and prints the messages it gets
# while pmset sleeps and wakes the system; the messages arrive in order,
# pmset -g shows the root domain asleep in between, an idle sleep is vetoed
# by a process that refuses it (IOCancelPowerChange), a non-root pmset is
# refused, and ioreg -p IOPower shows Root -> IOPowerConnection -> IOPMrootDomain.
set -eu
BUILD=${BUILD:-build}
BIN=$(cd "$BUILD/bin" && pwd)
fail() { echo "FAIL: $*"; exit 1; }

if [ "$(id -u)" != 0 ]; then
	echo "pm.sh: skipped (pmset sleepnow needs root)"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir -p "$work/root"

cat > "$work/t.sh" << EOF2
set -e
wait_ready() { i=0; while ! grep -q ready "\$1" 2>/dev/null; do i=\$((i+1)); [ \$i -lt 1000 ] || exit 9; sleep 0.01; done; }
"$BIN/vdpower" --count 3 --timeout-ms 20000 > "$work/msgs" &
p=\$!
wait_ready "$work/msgs"
"$BIN/pmset" sleepnow
"$BIN/pmset" -g
"$BIN/ioreg" -p IOPower
"$BIN/pmset" wake
wait \$p
"$BIN/vdpower" --veto --count 2 --timeout-ms 20000 > "$work/veto" &
p=\$!
wait_ready "$work/veto"
if "$BIN/pmset" idlesleep; then echo "idle sleep was not vetoed"; exit 1; fi
wait \$p
"$BIN/pmset" -g
if command -v setpriv > /dev/null; then
	if setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/pmset" sleepnow; then echo "non-root slept"; exit 1; fi
fi
EOF2
"$BIN/kexthost" run --root "$work/root" -- sh "$work/t.sh" > "$work/out" 2>&1 || { cat "$work/out"; fail "run"; }
cat "$work/out"
printf 'ready\nSystemWillSleep\nSystemWillPowerOn\nSystemHasPoweredOn\n' > "$work/want"
cmp -s "$work/msgs" "$work/want" || { cat "$work/msgs"; fail "sleep/wake messages"; }
printf 'ready\nCanSystemSleep\nSystemWillNotSleep\n' > "$work/want"
cmp -s "$work/veto" "$work/want" || { cat "$work/veto"; fail "veto messages"; }
grep -q '^Sleeping now\.\.\.' "$work/out" || fail "sleepnow"
grep -q 'IOPMrootDomain  Sleep (2)' "$work/out" || fail "pmset -g asleep"
grep -q 'IOPMrootDomain  On (3)' "$work/out" || fail "pmset -g awake"
grep -q 'vetoed by a client' "$work/out" || fail "idlesleep veto"
grep -q 'IOPowerConnection' "$work/out" || fail "ioreg -p IOPower connection"
grep -q 'o IOPMrootDomain' "$work/out" || fail "ioreg -p IOPower root domain"
if command -v setpriv > /dev/null; then
	grep -q 'Unable to sleep system: error 0xe00002c1' "$work/out" || fail "non-root refused"
fi
echo "pm.sh: ok"
