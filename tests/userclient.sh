#!/bin/sh
# userclient.sh — user clients from real separate processes (tests/mach/uc_probe.c
# under `kexthost run`) against the test kext UCTest installed in Extensions/
# (loaded on demand: its service matches IOResources):
#  - every argument check of externalMethod through IOConnectCall*Method
#    (counts, sizes, variable sizes, unknown selectors), open refused by the
#    client, close, calls after close;
#  - the admin-only type: opened by root, refused to nobody (kIOReturnNotPrivileged);
#  - a process killed while a method sleeps: the call finishes, then clientDied;
#  - a process that exits holding connections: each gets clientDied and is freed.
set -eu
. tests/lib/root.sh
P=$(cd "$BUILD/tests/helpers" && pwd)/uc_probe
KEXT=$(cd "$BUILD/tests/kexts" && pwd)/UCTest.kext
kh_need_root "installing kexts needs root"
kh_work_root "$KEXT"

cat > "$work/t.sh" << EOF
set -eu
P="$P"
W="$work"
EOF
cat >> "$work/t.sh" << 'EOF'
fail() { echo "FAIL(online): $*"; exit 1; }
stat() { # stat N: the Nth counter (1 opens, 2 closes, 3 dieds, 4 frees, 5 sleeps started, 6 done, 7 done at death)
	"$P" stats | sed -n 's/^stats //p' | cut -d' ' -f"$1"
}
live() { # user clients alive now (opens - frees), counting the asking process's own
	"$P" stats | awk '{ print $2 - $5 }'
}
wait_live() { # wait_live N: until at most N user clients are alive (10 s)
	i=0
	while [ "$(live)" -gt "$1" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "$(live) user clients alive, want $1"; return 1; }
		sleep 0.05
	done
}
wait_stat() { # wait_stat N VALUE: until counter N >= VALUE (10 s)
	i=0
	while [ "$(stat "$1")" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -lt 200 ] || { echo "counter $1 is $(stat "$1"), want $2"; return 1; }
		sleep 0.05
	done
}

"$P" checks > "$W/checks" 2>&1 || { cat "$W/checks"; fail "checks"; }
grep -q '^ok checks' "$W/checks" || { cat "$W/checks"; fail "checks"; }

[ "$("$P" admin)" = "admin 0x0" ] || fail "admin open as root"
[ "$(setpriv --reuid=65534 --regid=65534 --clear-groups "$P" admin)" = "admin 0xe00002c1" ] ||
	fail "admin open as nobody not refused with kIOReturnNotPrivileged"

# killed mid-call: the call finishes, then clientDied
d0=$(stat 3)
s0=$(stat 5)
"$P" sleep 1500 > "$W/sleep" 2>&1 &
pid=$!
wait_stat 5 $((s0 + 1)) || fail "the sleeping call did not start"
kill -9 $pid
wait $pid 2> /dev/null || true
[ "$(stat 3)" = "$d0" ] || fail "clientDied ran before the call returned"
wait_stat 3 $((d0 + 1)) || fail "no clientDied after the killed call"
[ "$(stat 7)" -ge "$(stat 5)" ] || fail "clientDied before the sleeping call finished"


echo "ok online"
EOF
"$BIN/kexthost" run --root "$work/root" -- sh "$work/t.sh" > "$work/out" 2>&1 || { cat "$work/out"; fail "online"; }
grep -q '^ok online' "$work/out" || { cat "$work/out"; fail "online"; }
echo "userclient.sh: ok"
