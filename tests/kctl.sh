#!/bin/sh
# kctl.sh — kernel control sockets and kernel events from real separate
# processes against a booted kernel (kexthost run), with the KernCtlSample
# kext and tools/kctlclient:
#  - commands and replies over SOCK_DGRAM; options through setsockopt/getsockopt;
#  - a privileged control refuses a non-root client (EPERM), the open one admits it;
#  - unknown control (ENOENT), wrong socket type (EPROTOTYPE); bad user addresses
#    (EFAULT, tests/kctl/kctl_probe) and bad arguments;
#  - a kernel event listener receives the kext's events (vendor filter);
#  - kextunload is refused while a client is connected (ctl_deregister EBUSY),
#    and works once the client is killed (client death disconnects);
#  - a client killed while blocked in recv leaves the kernel serving others;
#  - 50 concurrent clients, each getting its own replies;
#  - KUNC through tools/kuncd: notice, alert answered by the agent's default,
#    execute, an alert answered on kuncd's terminal; no agent (MACH_SEND_INVALID_DEST);
#    a non-root agent refused.
set -eu
. tests/lib/root.sh
kh_need_root "loading kexts needs root"
kh_work_root KernCtlSample

cat > "$work/t.sh" << 'EOF'
set -eu
B=$KCTL_BIN
W=$(dirname "$KEXTHOST_ROOT")
fail() { echo "FAIL(online): $*"; exit 1; }
run() { set +e; "$@" > "$W/o" 2>&1; st=$?; set -e; }
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

$B/kextload "$KEXTHOST_ROOT/Extensions/KernCtlSample.kext" > /dev/null || fail "kextload"

# an event listener for the sample's vendor, in the background
$B/kctlclient --events -V com.example.kext.KernCtlSample -c 2 -w 10 > "$W/ev" 2>&1 &
evpid=$!
i=0
until grep -q listening "$W/ev"; do i=$((i + 1)); [ $i -lt 200 ] || fail "listener"; sleep 0.05; done

run $B/kctlclient PING "UPPER mixed Case 123" COUNT nonsense
[ $st = 0 ] || { cat "$W/o"; fail "kctlclient exit $st"; }
printf 'PONG\nMIXED CASE 123\n3\nERR unknown command\n' | diff -u - "$W/o" || fail "replies"

wait $evpid || { cat "$W/ev"; fail "listener exit"; }
grep -Eq '^event id=[0-9]+ vendor=1[0-9]{3} class=1 subclass=1 code=1 size=28 data0=4$' "$W/ev" ||
	{ cat "$W/ev"; fail "event for PING"; }
[ "$(grep -c '^event' "$W/ev")" = 2 ] || { cat "$W/ev"; fail "event count"; }

run $B/kctlclient --setopt 1=1 --getopt 1
grep -qx 'option 1 = 1' "$W/o" || { cat "$W/o"; fail "options"; }
run $B/kctlclient --setopt 9=1
grep -q 'setsockopt 9: Protocol not available' "$W/o" || { cat "$W/o"; fail "unknown option"; }

# bad addresses and arguments: EFAULT and friends, the kernel keeps serving
run $KCTL_PROBE
grep -qx 'probe ok' "$W/o" || { cat "$W/o"; fail "kctl_probe"; }

# privileges
run nobody $B/kctlclient -n com.example.kext.KernCtlSample.admin PING
[ $st = 1 ] && grep -q 'Operation not permitted' "$W/o" || { cat "$W/o"; fail "non-root admitted to a privileged control"; }
run $B/kctlclient -n com.example.kext.KernCtlSample.admin PING
grep -qx PONG "$W/o" || { cat "$W/o"; fail "root refused"; }
run nobody $B/kctlclient PING
grep -qx PONG "$W/o" || { cat "$W/o"; fail "non-root refused by an open control"; }

# errors
run $B/kctlclient -n com.example.none PING
grep -q 'No such file or directory' "$W/o" || { cat "$W/o"; fail "unknown control"; }
run $B/kctlclient -t stream PING
grep -q 'Protocol wrong type for socket' "$W/o" || { cat "$W/o"; fail "wrong type"; }
run $B/kctlclient -t stream -n com.example.kext.KernCtlSample.stream PING "UPPER over a stream" COUNT
printf 'PONG\nOVER A STREAM\n3\n' | diff -u - "$W/o" || fail "stream control"

# 50 clients at once, each with its own unit and count
i=0
while [ $i -lt 50 ]; do
	$B/kctlclient PING "UPPER c$i" COUNT > "$W/c$i" 2>&1 &
	i=$((i + 1))
done
wait
i=0
while [ $i -lt 50 ]; do
	printf 'PONG\nC%d\n3\n' $i | diff -u - "$W/c$i" || fail "concurrent client $i"
	i=$((i + 1))
done

# KUNC: no agent yet; a non-root agent is refused; then kuncd answers alerts with its default
run $B/kctlclient "NOTICE nobody listens"
grep -qx 'ERR 0x10000003' "$W/o" || { cat "$W/o"; fail "notice without an agent"; }
run nobody $B/kuncd --count 1
grep -q 'Operation not permitted' "$W/o" || { cat "$W/o"; fail "non-root agent admitted"; }
$B/kuncd --default 1 --count 3 > "$W/kunc" 2>&1 &
kpid=$!
i=0
until grep -q 'agent ready' "$W/kunc"; do i=$((i + 1)); [ $i -lt 200 ] || fail "kuncd"; sleep 0.05; done
run $B/kctlclient "NOTICE disk almost full" "ALERT proceed?" "EXEC /bin/true"
printf 'OK\nANSWER 1\nOK\n' | diff -u - "$W/o" || fail "KUNC replies"
wait $kpid || { cat "$W/kunc"; fail "kuncd exit"; }
grep -qx '\[notice\] KernCtlSample: disk almost full \[OK\]' "$W/kunc" || { cat "$W/kunc"; fail "notice shown"; }
grep -qx '\[alert\] KernCtlSample: proceed?' "$W/kunc" || { cat "$W/kunc"; fail "alert shown"; }
grep -q 'answered: 1 (alternate, configured default)' "$W/kunc" || { cat "$W/kunc"; fail "alert answer"; }
grep -q '^\[execute\] /bin/true' "$W/kunc" || { cat "$W/kunc"; fail "execute shown"; }

# an alert answered interactively on kuncd's terminal (script(1) gives it one)
if command -v script > /dev/null; then
	# stdin stays open after the answers: script(1) ends the session at its EOF, and under load
	# that could come before kuncd has read the second answer (the alert then ends KERN_ABORTED)
	(sleep 1; printf '7\n2\n'; sleep 20) | script -qfec "$B/kuncd --count 1" /dev/null > "$W/kunct" 2>&1 &
	tpid=$!
	i=0
	until grep -q 'agent ready' "$W/kunct" 2> /dev/null; do
		i=$((i + 1)); [ $i -lt 200 ] || fail "interactive kuncd not ready"; sleep 0.05
	done
	run $B/kctlclient "ALERT interactive?"
	wait $tpid || true
	grep -qx 'ANSWER 2' "$W/o" || {
		cat "$W/o" "$W/kunct"
		$B/kexthost dmesg --root "$KEXTHOST_ROOT" 2> /dev/null | tail -n 15
		fail "interactive alert answer"
	}
	[ "$(grep -c 'answer \[0-3\]>' "$W/kunct")" -ge 2 ] || { cat "$W/kunct"; fail "kuncd did not ask again after 7"; }
fi

# a connected client blocks kextunload; killing it disconnects
mkfifo "$W/fifo"
$B/kctlclient < "$W/fifo" > "$W/held" 2>&1 &
hpid=$!
exec 3> "$W/fifo"
echo PING >&3
i=0
until grep -q PONG "$W/held"; do i=$((i + 1)); [ $i -lt 200 ] || fail "held client"; sleep 0.05; done
run $B/kextunload -b com.example.kext.KernCtlSample
[ $st != 0 ] || fail "kextunload succeeded with a client connected"
kill -9 $hpid
wait $hpid 2> /dev/null || true
exec 3>&-

# a client killed while blocked in recv
$B/kctlclient --events -c 1 -w 30 > "$W/ev2" 2>&1 &
bpid=$!
i=0
until grep -q listening "$W/ev2"; do i=$((i + 1)); [ $i -lt 200 ] || fail "blocked listener"; sleep 0.05; done
sleep 0.2
kill -9 $bpid
wait $bpid 2> /dev/null || true

i=0
until $B/kextunload -b com.example.kext.KernCtlSample > "$W/o" 2>&1; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$W/o"; fail "kextunload after the client died"; }; sleep 0.05
done
run $B/kctlclient PING
grep -q 'No such file or directory' "$W/o" || { cat "$W/o"; fail "control still there after unload"; }
echo "online ok"
EOF
KCTL_BIN=$BIN KCTL_PROBE=$(cd "$BUILD/tests/helpers" && pwd)/kctl_probe "$BIN/kexthost" run --root "$root" -- sh "$work/t.sh" > "$work/online.log" 2>&1 ||
	{ cat "$work/online.log"; fail "online part"; }
grep -q 'online ok' "$work/online.log" || { cat "$work/online.log"; fail "online part did not finish"; }
"$BIN/kexthost" dmesg --root "$root" > "$work/dmesg"
grep -q 'KernCtlSample: unit [0-9]* disconnected' "$work/dmesg" || { cat "$work/dmesg"; fail "no disconnect logged"; }
grep -q 'KernCtlSample: cannot stop, clients connected (16)' "$work/dmesg" ||
	{ tail -n 30 "$work/dmesg"; fail "EBUSY stop not logged"; }
echo "kctl ok"
