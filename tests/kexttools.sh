#!/bin/sh
# kexttools.sh — the kext tools end to end, with golden output:
#  - the request channel's framing (tests/ktools/kreq_probe against a live kernel);
#  - online (kexthost run): kextload by path and -b, kextstat's header and rows,
#    library kexts and their clients, kextunload refusals and exit codes, a
#    non-root user refused, start/stop failures, link errors relayed from the kernel,
#    a loaded kext's symbol file (kextutil -s: code included, at the load address);
#  - offline: kextutil -n -t diagnostics for every broken sample, authentication,
#    symbol files (-s), kextlibs, kextfind queries.
# The samples are the kexts/ folder built by `make` into $BUILD/kexts.
set -eu
BUILD=${BUILD:-build}
BIN=$(cd "$BUILD/bin" && pwd)
KEXTS=$(cd "$BUILD/kexts" && pwd)
PROBE=$(cd "$BUILD/tests/helpers" && pwd)/kreq_probe
PATH=$BIN:$PATH
export PATH
fail() { echo "FAIL: $*"; exit 1; }

if [ "$(id -u)" != 0 ]; then
	echo "kexttools.sh: skipped (kexts must be root-owned and loading needs root; run as root)"
	exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work" # other users (nobody) must reach the socket
root=$work/root
mkdir -p "$root/Extensions"
for k in HelloKext MyLibrary MyLibClient broken/StartFails broken/StopFails broken/Unresolved broken/BadVersion; do
	cp -R "$KEXTS/$k.kext" "$root/Extensions/"
done
chown -R 0:0 "$root/Extensions"
find "$root/Extensions" -type d -exec chmod 755 {} + -o -type f -exec chmod 644 {} +
E=$root/Extensions

# expect_out NAME EXPECTED-STATUS EXPECTED-OUTPUT-FILE CMD...: run CMD (stdout+stderr), compare both.
expect_out() {
	name=$1 want=$2 golden=$3
	shift 3
	set +e
	"$@" > "$work/out" 2>&1
	st=$?
	set -e
	if ! diff -u "$golden" "$work/out"; then
		fail "$name: output differs from the golden text above"
	fi
	[ "$st" = "$want" ] || fail "$name: exit status $st, expected $want"
}

# ---- 1. framing ---------------------------------------------------------------------------
kexthost run --root "$root" -- "$PROBE" all | grep -q 'checks passed' || fail "kreq_probe"
kexthost dmesg --root "$root" | grep -q 'kern_request: client pid [0-9]* (uid 0): bad magic' ||
	fail "malformed message not logged"

# ---- 2. online ------------------------------------------------------------------------------
cat > "$work/online.sh" << 'EOF'
set -eu
E=$KEXTHOST_ROOT/Extensions
W=$(dirname "$KEXTHOST_ROOT")
fail() { echo "FAIL(online): $*"; exit 1; }
run() { set +e; "$@" > "$W/o" 2>&1; st=$?; set -e; }
has() { grep -qF -- "$1" "$W/o" || { cat "$W/o"; fail "missing: $1"; }; }

# kextstat before any load: the header, and the KPI pseudo-kexts as kernel components
run kextstat
[ $st = 0 ] || fail "kextstat exit $st"
head -n 1 "$W/o" | grep -qx 'Index Refs Address            Size       Wired      Name (Version) UUID <Linked Against>' ||
	fail "kextstat header: $(head -n 1 "$W/o")"
grep -Eq '^    4 +[0-9]+ 0                  0          0          com\.apple\.kpi\.libkern \([0-9.]+\)' "$W/o" ||
	{ cat "$W/o"; fail "kextstat KPI row"; }
[ "$(kextstat -k -l | wc -l)" = 0 ] || fail "kextstat -k -l lists kernel components"

# load by path
run kextload "$E/HelloKext.kext"
[ $st = 0 ] || { cat "$W/o"; fail "kextload HelloKext exit $st"; }
has "$E/HelloKext.kext loaded successfully (or already loaded)."
run kextstat -l -b com.example.kext.HelloKext
grep -Eqx '    8    0 0x[0-9a-f]+ +0x[0-9a-f]+ +0x[0-9a-f]+ +com\.example\.kext\.HelloKext \(1\.0\.0d1\) [0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12} <4 3>' "$W/o" ||
	{ cat "$W/o"; fail "kextstat HelloKext row"; }
# the address column is 18 wide, the sizes 10 wide (kextstat's printf formats)
awk '{ if (length($0) < 60) exit 1 }' "$W/o" || fail "kextstat row too short"
run kextload "$E/HelloKext.kext"
[ $st = 0 ] || fail "second load of HelloKext"
has "loaded successfully (or already loaded)."

# load by identifier: the library comes first, the client links against it
run kextload -b com.example.kext.MyLibClient
[ $st = 0 ] || { cat "$W/o"; fail "kextload -b MyLibClient exit $st"; }
has "com.example.kext.MyLibClient loaded successfully (or already loaded)."
run kextstat -l -k
grep -Eq '^    9    1 0x[0-9a-f]+ .* com\.example\.kext\.MyLibrary \(1\.2\.0\) [0-9A-F-]{36} <4>$' "$W/o" ||
	{ cat "$W/o"; fail "kextstat MyLibrary row (refs 1)"; }
grep -Eq '^   10    0 0x[0-9a-f]+ .* com\.example\.kext\.MyLibClient \(1\.0\.0\) [0-9A-F-]{36} <9 4>$' "$W/o" ||
	{ cat "$W/o"; fail "kextstat MyLibClient row (<9 4>)"; }
[ "$(wc -l < "$W/o")" = 3 ] || { cat "$W/o"; fail "kextstat -k: 3 rows expected"; }
kexthost dmesg --root "$KEXTHOST_ROOT" | grep -q 'MyLibClient: MyLibrary_add(2, 3) = 5' || fail "client's start output missing"

# a library with a loaded client can't be unloaded
run kextunload -b com.example.kext.MyLibrary
[ $st = 3 ] || { cat "$W/o"; fail "kextunload of a used library: exit $st, expected 3"; }
has "(kernel) Can't unload kext com.example.kext.MyLibrary;"
has "Failed to unload com.example.kext.MyLibrary - (libkern/kext) kext is in use or retained (cannot unload)."

# non-root: may list, may not load or unload
setpriv --reuid=65534 --regid=65534 --clear-groups kextstat -l -b com.example.kext.HelloKext | grep -q HelloKext ||
	fail "kextstat as nobody"
run setpriv --reuid=65534 --regid=65534 --clear-groups kextunload -b com.example.kext.HelloKext
[ $st = 2 ] || { cat "$W/o"; fail "kextunload as nobody: exit $st, expected 2"; }
has "You must be running as root to unload kexts."
run setpriv --reuid=65534 --regid=65534 --clear-groups kextload "$E/StopFails.kext"
[ $st = 77 ] || { cat "$W/o"; fail "kextload as nobody: exit $st, expected 77"; }
has "failed to load - (libkern/kext) not privileged; check the system/kernel logs for errors or try kextutil(8)."

# start fails: the load fails and the kext is gone
run kextload "$E/StartFails.kext"
[ $st = 71 ] || { cat "$W/o"; fail "StartFails: exit $st"; }
has "$E/StartFails.kext failed to load - (libkern/kext) kext (kmod) start/stop routine failed; check the system/kernel logs for errors or try kextutil(8)."
kextstat -l -b com.example.broken.StartFails | grep -q . && fail "StartFails still loaded"

# link error: kxld's words come back from the kernel
run kextload "$E/Unresolved.kext"
[ $st = 71 ] || { cat "$W/o"; fail "Unresolved: exit $st"; }
has "(kernel) kxld[com.example.broken.Unresolved]: The following symbols are unresolved for this kext:"
has "kexthost_no_such_function"
has "failed to load - (libkern/kext) link error;"

# validation failure online: the same grouped diagnostics as kextutil -n -t
run kextload "$E/BadVersion.kext"
[ $st = 71 ] || { cat "$W/o"; fail "BadVersion: exit $st"; }
has "Diagnostics for $E/BadVersion.kext:"
has "Validation Failures:"
has "    Info dictionary property value is illegal:"
has "        CFBundleVersion"

# stop fails: unload refused, the kext stays
run kextload "$E/StopFails.kext"
[ $st = 0 ] || { cat "$W/o"; fail "StopFails load"; }
run kextunload -b com.example.broken.StopFails
[ $st = 3 ] || { cat "$W/o"; fail "StopFails unload: exit $st"; }
kextstat -l -b com.example.broken.StopFails | grep -q StopFails || fail "StopFails unloaded despite stop failing"

# unknown identifier, unknown class, unreadable bundle
run kextunload -b com.example.NoSuchKext
[ $st = 3 ] || fail "unload of an unknown id: exit $st"
run kextunload -c NoSuchClass
[ $st = 3 ] || fail "unload of an unknown class: exit $st"
run kextunload "$W/nonexistent.kext"
[ $st = 1 ] || fail "unload of an unreadable bundle: exit $st"
has "Can't create $W/nonexistent.kext."

# unload by path and by id, in dependency order
run kextunload -b com.example.kext.MyLibClient -b com.example.kext.MyLibrary "$E/HelloKext.kext"
[ $st = 0 ] || { cat "$W/o"; fail "kextunload: exit $st"; }
has "com.example.kext.MyLibrary unloaded and personalities removed."
has "com.example.kext.HelloKext unloaded and personalities removed."
kexthost dmesg --root "$KEXTHOST_ROOT" | grep -q 'Goodbye, World!' || fail "HelloKext's stop output missing"

# kextutil without -n loads through the kernel
run kextutil "$E/HelloKext.kext"
[ $st = 0 ] || { cat "$W/o"; fail "kextutil load: exit $st"; }
has "$E/HelloKext.kext successfully loaded (or already loaded)."
[ "$(kextstat -l -k | grep -c -e HelloKext -e StopFails)" = 2 ] || fail "kextstat after kextutil"
# symbol files of a loaded kext: full objects at its load address, code included (the debug object
# the kernel keeps for debuggers has symbols and DWARF only)
mkdir "$W/lsyms"
run kextutil -s "$W/lsyms" "$E/HelloKext.kext"
[ $st = 0 ] || { cat "$W/o"; fail "kextutil -s of a loaded kext: exit $st"; }
addr=$(kextstat -l -b com.example.kext.HelloKext | awk '{print $3}')
readelf -SW "$W/lsyms/com.example.kext.HelloKext.sym" | grep -Eq " \.text +PROGBITS +0*${addr#0x} " ||
	{ readelf -SW "$W/lsyms/com.example.kext.HelloKext.sym"; fail "loaded symbol file: .text not PROGBITS at $addr"; }
echo online ok
EOF
kexthost run --root "$root" -- sh "$work/online.sh" > "$work/online.log" 2>&1 || { cat "$work/online.log"; fail "online part"; }
grep -q 'online ok' "$work/online.log" || { cat "$work/online.log"; fail "online part did not finish"; }

# ---- 3. offline: kextutil -n -t --------------------------------------------------------------
export KEXTHOST_ROOT="$root"
unset KEXTHOST_SOCKET || true
B=$work/broken
cp -R "$KEXTS/broken" "$B"
chown -R 0:0 "$B"
chmod -R go-w "$B"

cat > "$work/g" << EOF
$E/HelloKext.kext appears to be loadable (including linkage for on-disk libraries).
EOF
expect_out "kextutil HelloKext" 0 "$work/g" kextutil -n -t "$E/HelloKext.kext"

cat > "$work/g" << EOF
Diagnostics for $B/BadVersion.kext:
Validation Failures:
    Info dictionary property value is illegal:
        CFBundleVersion
EOF
expect_out "kextutil BadVersion" 4 "$work/g" kextutil -n -t "$B/BadVersion.kext"

cat > "$work/g" << EOF
Diagnostics for $B/NoLibraries.kext:
Validation Failures:
    Info dictionary missing required property/value:
        OSBundleLibraries
EOF
expect_out "kextutil NoLibraries" 4 "$work/g" kextutil -n -t "$B/NoLibraries.kext"

cat > "$work/g" << EOF
Diagnostics for $B/NoKmodInfo.kext:
Validation Failures:
    Executable file doesn't contain kernel extension code (no kmod_info symbol or bad Mach-O layout).
EOF
expect_out "kextutil NoKmodInfo" 4 "$work/g" kextutil -n -t "$B/NoKmodInfo.kext"

cat > "$work/g" << EOF
Diagnostics for $B/MissingDependency.kext:
Dependency Resolution Failures:
    No kexts found for these libraries:
        com.example.NoSuchLibrary
EOF
expect_out "kextutil MissingDependency" 4 "$work/g" kextutil -n -t "$B/MissingDependency.kext"

cat > "$work/g" << EOF
Diagnostics for $B/KernelDependency.kext:
Dependency Resolution Failures:
    Kexts may not link against com.apple.kernel; use either com.apple.kpi.* libraries (recommended), or com.apple.kernel.* (for compatiblity with older releases).
Warnings:
    Kext declares no com.apple.kpi.* libraries; if it references any kernel symbols, it may fail to link.
EOF
expect_out "kextutil KernelDependency" 4 "$work/g" kextutil -n -t "$B/KernelDependency.kext"

cat > "$work/g" << EOF
Diagnostics for $B/PrivateKPI.kext:
Dependency Resolution Failures:
    Only Apple kexts may link against com.apple.kpi.private.
EOF
expect_out "kextutil PrivateKPI" 4 "$work/g" kextutil -n -t "$B/PrivateKPI.kext"

printf 'kxld[com.example.broken.Unresolved]: The following symbols are unresolved for this kext:\nkxld[com.example.broken.Unresolved]: \tkexthost_no_such_function\nCheck library declarations for your kext with kextlibs(8).\n' > "$work/g"
expect_out "kextutil Unresolved" 4 "$work/g" kextutil -n -t "$B/Unresolved.kext"

kextutil -n -t "$B/CommonSymbol.kext" > "$work/out" 2>&1 && fail "CommonSymbol passed"
grep -q 'kxld\[com.example.broken.CommonSymbol\]: .*-fno-common' "$work/out" || { cat "$work/out"; fail "common symbol diagnostic"; }
grep -q 'CommonSymbol_counter' "$work/out" || fail "common symbol name"
kextutil -n -t "$B/TLSVariable.kext" > "$work/out" 2>&1 && fail "TLSVariable passed"
grep -q 'kxld\[com.example.broken.TLSVariable\]: .*thread-local' "$work/out" || { cat "$work/out"; fail "TLS diagnostic"; }
# start failures only show when starting: validation passes
kextutil -n -t "$B/StartFails.kext" > /dev/null 2>&1 || fail "StartFails should validate"

# authentication: a group-writable bundle is refused, -z skips the check
cp -R "$KEXTS/HelloKext.kext" "$work/Writable.kext"
chmod g+w "$work/Writable.kext/Contents/Info.plist"
kextutil -n -t "$work/Writable.kext" > "$work/out" 2>&1 && fail "writable kext authenticated"
grep -qx 'Authentication Failures:' "$work/out" || { cat "$work/out"; fail "no Authentication Failures group"; }
grep -qF '    File owner/permissions are incorrect (must be root:wheel, nonwritable by group/other):' "$work/out" ||
	fail "authentication diagnostic"
grep -qF "        $work/Writable.kext/Contents/Info.plist" "$work/out" || { cat "$work/out"; fail "authentication detail"; }
kextutil -n -t -z "$work/Writable.kext" > /dev/null 2>&1 || fail "-z did not skip authentication"

# missing bundle
set +e
kextutil -n -t "$work/none.kext" > "$work/out" 2>&1
st=$?
set -e
[ $st = 1 ] || { cat "$work/out"; fail "kextutil on a missing kext: exit $st, expected 1"; }

# symbol files
mkdir "$work/syms"
kextutil -n -s "$work/syms" "$E/HelloKext.kext" > "$work/out" 2>&1 || { cat "$work/out"; fail "kextutil -s"; }
[ -f "$work/syms/com.example.kext.HelloKext.sym" ] || fail "no symbol file"
# a symbol file is the kext's debug object: its ELF object, sections at their load addresses
nm "$work/syms/com.example.kext.HelloKext.sym" | grep -Eq '^[0-9a-f]{16} T HelloKext_start$' || fail "symbol file lacks HelloKext_start"
nm "$work/syms/com.example.kext.HelloKext.sym" | grep -Eq '^[0-9a-f]{16} D kmod_info$' || fail "symbol file lacks kmod_info"
# -a id@address lays it out at that address (and implies -n)
kextutil -s "$work/syms" -a com.example.kext.HelloKext@0x7f000000 "$E/HelloKext.kext" > "$work/out" 2>&1 ||
	{ cat "$work/out"; fail "kextutil -s -a"; }
readelf -SW "$work/syms/com.example.kext.HelloKext.sym" | grep -Eq ' \.text +PROGBITS +0*7f000000 ' ||
	{ readelf -SW "$work/syms/com.example.kext.HelloKext.sym"; fail "-a: .text not at 0x7f000000"; }
set +e
kextutil -s "$work/syms" -a com.example.kext.HelloKext@zzz "$E/HelloKext.kext" > "$work/out" 2>&1
st=$?
set -e
[ $st = 64 ] && grep -q '^Address format is <bundle-id@address>, with nonzero hexadecimal address.$' "$work/out" ||
	{ cat "$work/out"; fail "kextutil -a with a bad address: exit $st"; }
set +e
kextutil -s "$work/syms" -a com.example.kext.HelloKext@0x7f000010 "$E/HelloKext.kext" > "$work/out" 2>&1
st=$?
set -e
[ $st != 0 ] && grep -q 'is not a valid load address' "$work/out" ||
	{ cat "$work/out"; fail "kextutil -a with a misaligned address: exit $st"; }

# ---- 4. offline: kextlibs ------------------------------------------------------------------------
kextlibs "$E/HelloKext.kext" > "$work/out" 2> "$work/err" || fail "kextlibs HelloKext"
grep -Eqx '    com\.apple\.kpi\.iokit = [0-9.]+' "$work/out" || { cat "$work/out"; fail "kextlibs: iokit"; }
grep -Eqx '    com\.apple\.kpi\.libkern = [0-9.]+' "$work/out" || fail "kextlibs: libkern"
[ "$(wc -l < "$work/out")" = 2 ] || { cat "$work/out"; fail "kextlibs: two libraries expected"; }
grep -qx 'For all architectures:' "$work/err" || fail "kextlibs: stderr header"
kextlibs -xml "$E/MyLibClient.kext" > "$work/out" 2> /dev/null || fail "kextlibs -xml"
printf '\t<key>OSBundleLibraries</key>\n' > "$work/g"
head -n 1 "$work/out" | diff -u "$work/g" - || fail "kextlibs -xml header"
grep -qF '		<key>com.example.kext.MyLibrary</key>' "$work/out" || fail "kextlibs -xml: library kext"
grep -qF '		<string>1.2.0</string>' "$work/out" || fail "kextlibs -xml: library version"
kextlibs -c "$E/MyLibClient.kext" 2> /dev/null | grep -qx '    com.example.kext.MyLibrary = 1.0' ||
	fail "kextlibs -c: compatible version"
set +e
kextlibs -undef-symbols "$B/Unresolved.kext" > "$work/out" 2>&1
st=$?
set -e
[ $st = 1 ] || fail "kextlibs on undefined symbols: exit $st, expected 1"
grep -qF '    1 symbol not found in any library kext:' "$work/out" || { cat "$work/out"; fail "kextlibs undef count"; }
printf '\tkexthost_no_such_function\n' > "$work/g"
grep -F "$(cat "$work/g")" "$work/out" > /dev/null || fail "kextlibs undef list"

# ---- 5. offline: kextfind --------------------------------------------------------------------------
[ "$(kextfind | wc -l)" = 7 ] || { kextfind; fail "kextfind: 7 kexts expected"; }
[ "$(kextfind -library)" = "$E/MyLibrary.kext" ] || fail "kextfind -library"
[ "$(kextfind -defines-symbol MyLibrary_add)" = "$E/MyLibrary.kext" ] || fail "kextfind -defines-symbol"
kextfind -references-symbol MyLibrary_add -print | grep -qx "$E/MyLibClient.kext" || fail "kextfind -references-symbol"
[ "$(kextfind -F -bundle-id -s Hello)" = "HelloKext.kext" ] ||
	fail "kextfind -F -bundle-id -s"
[ "$(kextfind -F -version -ge 1.1 -and -not -library)" = "" ] || fail "kextfind -version/-not"
[ "$(kextfind -F -version -lt 1.0 )" = "HelloKext.kext" ] || fail "kextfind -version -lt (1.0.0d1 < 1.0)"
n=$(kextfind -bundle-id com.example.kext.HelloKext -or -bundle-id com.example.kext.MyLibrary | wc -l)
[ "$n" = 2 ] || fail "kextfind -or"
kextfind -i -bundle-id COM.EXAMPLE.KEXT.HELLOKEXT | grep -q HelloKext || fail "kextfind -i"
kextfind -library -report -bundle-id -version > "$work/out"
printf 'CFBundleIdentifier\tCFBundleVersion\ncom.example.kext.MyLibrary\t1.2.0\n' | diff -u - "$work/out" || fail "kextfind -report"
set +e
kextfind -frobnicate > /dev/null 2>&1
st=$?
set -e
[ $st = 64 ] || fail "kextfind with a bad predicate: exit $st"

echo "kexttools.sh: ok"
