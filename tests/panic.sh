#!/bin/sh
# panic.sh — kext bugs end in panic reports (issue 8). For each bug of the
# Buggy sample kext: boot a kernel, load the kext, trigger the bug with
# buggy-trigger; the kernel exits 70, the client gets a clean error
# (ECONNRESET, no hang), the report names the trap, the kext and the
# function, a panic log file is saved and `kexthost panics` lists it, and
# `kexthost symbolicate` gives the bug's source line. Then
# --reboot-on-panic: the supervisor boots the kernel again after a panic, the
# new kernel loads again the kext loaded by hand from outside Extensions/ and
# serves clients; a clean boot afterwards does not load it.
set -eu
BUILD=${BUILD:-build}
BIN=$(cd "$BUILD/bin" && pwd)
KEXTS=$(cd "$BUILD/kexts" && pwd)
SRC=$(pwd)
PATH=$BIN:$PATH
export PATH
fail() { echo "FAIL: $*"; exit 1; }

if [ "$(id -u)" != 0 ]; then
	echo "panic.sh: skipped (needs root to load kexts)"
	exit 0
fi
# The kernel's own fault handlers report faults; ASan's must not take them first.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_sigill=0:handle_abort=0:detect_leaks=0"
export ASAN_OPTIONS

work=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "work: $work"
chmod 755 "$work"
kpid=
cleanup() {
	[ -n "$kpid" ] && kill -TERM "$kpid" 2> /dev/null && wait "$kpid" 2> /dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

# new_root NAME: a kernel root holding the Buggy kext
new_root() {
	root=$work/$1
	mkdir -p "$root/Extensions"
	cp -R "$KEXTS/Buggy.kext" "$root/Extensions/"
	chown -R 0:0 "$root/Extensions"
	find "$root/Extensions" -type d -exec chmod 755 {} + -o -type f -exec chmod 644 {} +
}

# wait_ready ROOT LOG: until the log of this boot says "kernel ready"
wait_ready() {
	i=0
	until grep -q 'kernel ready' "$2" 2> /dev/null; do
		i=$((i + 1))
		[ $i -lt 400 ] || fail "kernel did not boot: $(cat "$2")"
		kill -0 "$kpid" 2> /dev/null || fail "kernel exited: $(cat "$2")"
		sleep 0.05
	done
}

line_of() { grep -n "$1" "$SRC/kexts/Buggy/Buggy.c" | head -1 | cut -d: -f1; }

# check_bug BUG TRAP-TEXT FUNCTION SOURCE-MARKER
check_bug() {
	bug=$1
	new_root "$bug"
	kexthost boot --root "$root" --boot-args "-v ${BOOTARGS:-}" > "$work/$bug.console" 2>&1 &
	kpid=$!
	wait_ready "$root" "$work/$bug.console"
	KEXTHOST_SOCKET=$root/var/run/kexthost.sock
	export KEXTHOST_SOCKET
	kextload "$root/Extensions/Buggy.kext" > /dev/null 2>&1 || fail "$bug: kextload"
	set +e
	out=$(buggy-trigger "$bug" 2>&1)
	st=$?
	wait "$kpid"
	kst=$?
	set -e
	kpid=
	[ $kst = 70 ] || fail "$bug: kernel exit status $kst, not 70"
	[ $st = 1 ] || fail "$bug: buggy-trigger status $st: $out"
	echo "$out" | grep -q "Connection reset by peer" || fail "$bug: client error: $out"
	set -- "$root"/Library/Logs/DiagnosticReports/Kernel-*.panic
	[ -f "$1" ] || fail "$bug: no panic log file"
	report=$1
	head -1 "$report" | grep -q "^panic(cpu [0-9]* caller 0x[0-9a-f]*): $TRAP" || fail "$bug: first line: $(head -1 "$report")"
	grep -q "^0x[0-9a-f]* : 0x[0-9a-f]* com.example.kext.Buggy + 0x[0-9a-f]* ($FUNC + 0x" "$report" ||
		fail "$bug: no Buggy frame in $FUNC: $(cat "$report")"
	grep -q "^      Kernel Extensions in backtrace:$" "$report" || fail "$bug: no kexts in backtrace"
	grep -Eq '^         com.example.kext.Buggy\(1.0.0d1\)\[[0-9A-F-]{36}\]@0x[0-9a-f]+->0x[0-9a-f]+$' "$report" ||
		fail "$bug: kext line"
	grep -q "^loaded kexts:" "$report" || fail "$bug: loaded kexts"
	grep -q "^Darwin Kernel Version" "$report" || fail "$bug: kernel version"
	grep -q "$TRAP" "$work/$bug.console" || fail "$bug: report not on the console"
	kexthost panics --root "$root" | grep -Fq "$report" || fail "$bug: kexthost panics: $(kexthost panics --root "$root")"
	line=${LINE:-$(line_of "$MARK")}
	kexthost symbolicate --root "$root" "$report" > "$work/$bug.sym" || fail "$bug: symbolicate"
	grep -q "($FUNC + 0x[0-9a-f]*) Buggy.c:$line$" "$work/$bug.sym" ||
		fail "$bug: symbolicate lacks $FUNC Buggy.c:$line: $(sed -n '/^Backtrace/,/Kernel Ext/p' "$work/$bug.sym")"
	echo "ok: $bug"
}

TRAP="Kernel trap at 0x[0-9a-f]*, type 14=page fault, registers:" FUNC=buggy_null MARK="the NULL dereference" check_bug null
TRAP="Kernel trap at 0x[0-9a-f]*, type 0=divide error" FUNC=buggy_divzero MARK="the division by zero" check_bug divzero
TRAP="Kernel trap at 0x[0-9a-f]*, type 6=invalid opcode" FUNC=buggy_ud2 MARK="the invalid instruction" check_bug ud2
TRAP="Buggy: panic requested by pid" FUNC=buggy_panic MARK="panic(\"Buggy" check_bug panic
TRAP=".*Buggy.c:[0-9]* Assertion failed: buggy_zero == 1" FUNC=buggy_assert MARK="the failed assertion" check_bug assert
if [ "${SAN:-}" = asan ]; then
	echo "panic.sh: stack overflow bugs skipped under ASan (its frames and stacks differ)"
else
	TRAP="Double fault at 0x[0-9a-f]*, thread:" FUNC=buggy_recurse_depth MARK="the recursion that never ends" check_bug recurse
	grep -q "^Kernel stack overflow: fault address" "$report" || fail "recurse: no stack overflow line"
		# The frame's stack probes, in the function's prologue (its opening brace), fault first.
	LINE=$(($(line_of "^buggy_bigstack(void)") + 1)) TRAP="Double fault at 0x[0-9a-f]*, thread:" \
		FUNC=buggy_bigstack MARK=unused check_bug bigstack
	grep -q "^Kernel stack overflow: fault address" "$report" || fail "bigstack: no stack overflow line"
fi

# A lock order reversal: lockorder=2 reports both orders and panics before it can deadlock.
BOOTARGS=lockorder=2 TRAP="lock order reversal: 0x[0-9a-f]* (Buggy) then" FUNC=buggy_lockorder \
	MARK="the reversal" check_bug lockorder
grep -q "^the opposite order (2nd, then 1st) was established at:" "$work/lockorder.console" ||
	fail "lockorder: the first order's backtraces are missing"
grep -q "com.example.kext.Buggy + 0x[0-9a-f]* (buggy_lockorder + 0x" "$work/lockorder.console" ||
	fail "lockorder: the reversal's frames do not name the kext"

# A cycle through three locks (no pair reversed): lockorder=2 reports the earlier orders and panics.
BOOTARGS=lockorder=2 TRAP="lock order reversal: 0x[0-9a-f]* (Buggy) then 0x[0-9a-f]* (Buggy) closes a cycle of 3 locks" \
	FUNC=buggy_lockcycle MARK="the third pass closes the cycle" check_bug lockcycle
grep -q "^the opposite order (2nd, then 1st) goes through 2 earlier orders:" "$work/lockcycle.console" ||
	fail "lockcycle: the earlier orders are missing"

# A double free: with -zp it is reported (both frees' backtraces, in the kext) and the kernel goes on.
new_root doublefree
kexthost boot --root "$root" --boot-args "-v -zp" > "$work/doublefree.console" 2>&1 &
kpid=$!
wait_ready "$root" "$work/doublefree.console"
KEXTHOST_SOCKET=$root/var/run/kexthost.sock
export KEXTHOST_SOCKET
kextload "$root/Extensions/Buggy.kext" > /dev/null 2>&1 || fail "doublefree: kextload"
buggy-trigger doublefree > /dev/null 2>&1 || fail "doublefree: the kernel did not go on"
i=0
until grep -q "zone poisoning: double free of element" "$work/doublefree.console"; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "doublefree: not reported: $(tail -20 "$work/doublefree.console")"
	sleep 0.05
done
grep -q "com.example.kext.Buggy + 0x[0-9a-f]* (buggy_doublefree + 0x" "$work/doublefree.console" ||
	fail "doublefree: the frees' frames do not name the kext: $(tail -30 "$work/doublefree.console")"
kill -TERM "$kpid"
wait "$kpid" || fail "doublefree: the kernel did not shut down cleanly"
kpid=
echo "ok: doublefree"

# ---- --reboot-on-panic ----------------------------------------------------------------------
new_root reboot
kexthost boot --root "$root" --boot-args "-v" --reboot-on-panic > "$work/reboot.console" 2>&1 &
kpid=$!
wait_ready "$root" "$work/reboot.console"
KEXTHOST_SOCKET=$root/var/run/kexthost.sock
export KEXTHOST_SOCKET
# Loaded by hand from outside Extensions/: the new kernel must load it again by itself.
# One loaded and unloaded again before the panic must not come back.
mv "$root/Extensions/Buggy.kext" "$work/Buggy.kext"
cp -R "$KEXTS/HelloKext.kext" "$work/"
chown -R 0:0 "$work/HelloKext.kext"
kextload "$work/HelloKext.kext" > /dev/null 2>&1 || fail "reboot: kextload HelloKext"
kextload "$work/Buggy.kext" > /dev/null 2>&1 || fail "reboot: kextload"
kextunload -b com.example.kext.HelloKext > /dev/null 2>&1 || fail "reboot: kextunload HelloKext"
buggy-trigger null > /dev/null 2>&1 && fail "reboot: the bug did not happen"
i=0
until [ "$(grep -c 'kernel ready' "$work/reboot.console")" -ge 2 ]; do
	i=$((i + 1))
	[ $i -lt 400 ] || fail "reboot: kernel did not come back: $(cat "$work/reboot.console")"
	kill -0 "$kpid" 2> /dev/null || fail "reboot: supervisor exited: $(cat "$work/reboot.console")"
	sleep 0.05
done
grep -q "kernel panicked; rebooting" "$work/reboot.console" || fail "reboot: no reboot message"
i=0
until kextstat -l > "$work/kextstat" 2>&1; do
	i=$((i + 1))
	[ $i -lt 100 ] || fail "reboot: the new kernel does not serve"
	sleep 0.05
done
grep -q 'com\.example\.kext\.Buggy (' "$work/kextstat" || { cat "$work/kextstat"; fail "reboot: Buggy not loaded again"; }
grep -q 'HelloKext' "$work/kextstat" && fail "reboot: HelloKext, unloaded before the panic, came back"
grep -q "kext: com.example.kext.Buggy loaded again after the panic ($work/Buggy.kext)" \
	"$work/reboot.console" || fail "reboot: no reload message"
kexthost panics --root "$root" | grep -q "Kernel trap at" || fail "reboot: panic not listed"
kill -TERM "$kpid"
set +e
wait "$kpid"
st=$?
set -e
kpid=
[ $st = 0 ] || fail "reboot: supervisor exit status $st after SIGTERM"
# A clean boot forgets what was loaded by request.
kexthost run --root "$root" -- kextstat -l > "$work/kextstat" 2>&1 || fail "reboot: clean boot"
grep -q 'Buggy' "$work/kextstat" && fail "reboot: a clean boot loaded Buggy again"
echo "ok: --reboot-on-panic"
echo "panic.sh: all passed"
