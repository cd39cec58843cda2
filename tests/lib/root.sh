# root.sh — the common start of the shell tests that boot a kernel with kexts installed.
# Sourced from the top of the source tree (where mk/run-tests.sh runs the tests):
#
#   . tests/lib/root.sh
#   kh_need_root "installing kexts needs root"    # skip (exit 0) unless we are root
#   kh_work_root VirtualDevice HelloKext          # $work (removed at exit) and $root
#   kh_work_root "$BUILD/tests/kexts/MemTest.kext" # a bundle by path (a test kext)
#
# Sets BUILD, BIN (the programs), KEXTS (the built kexts) and fail(). $root is a
# kernel root whose Extensions/ holds copies of the named kexts, owned by root and
# not writable by others, as kext authentication asks; after changing what is
# there, kh_fix_perms puts that right again.
BUILD=${BUILD:-build}
BIN=$(cd "$BUILD/bin" && pwd)
KEXTS=$(cd "$BUILD/kexts" && pwd)
fail() { echo "FAIL: $*"; exit 1; }

kh_need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "$(basename "$0"): skipped ($1)"
		exit 0
	fi
}

kh_fix_perms() {
	chown -R 0:0 "$root/Extensions"
	chmod -R go-w "$root/Extensions"
}

kh_work_root() {
	work=$(mktemp -d)
	trap 'rm -rf "$work"' EXIT
	chmod 755 "$work"
	root=$work/root
	mkdir -p "$root/Extensions"
	for k in "$@"; do
		case "$k" in
		*/*) cp -R "$k" "$root/Extensions/" ;;
		*) cp -R "$KEXTS/$k.kext" "$root/Extensions/" ;;
		esac
	done
	kh_fix_perms
}
