#!/bin/sh
# kpi-check.sh [KERNEL_OBJECT] — keep the KPI export lists honest.
#  1. Every name in config/<Set>.exports must be in the real set's list
#     (../shared/reference/kpi/<Set>.{10.8,current}.txt) or match a line of
#     config/kexthost.exports for that set (kexthost's documented additions).
#  2. With KERNEL_OBJECT (the kernel before renaming, $(BUILD)/kernel/
#     kernel.raw.o): every global the kernel defines that a real set exports
#     must be in that set's config list — a KPI implemented but not exported
#     is a bug (kexts declaring the set would fail to link).
# Prints each problem and exits 1 if there is any; exits 0 with a note when
# the reference lists are absent.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ref=${KPI_REFERENCE:-$top/../shared/reference/kpi}
config=$top/config
kernel=${1:-}
if [ ! -d "$ref" ]; then
	echo "kpi-check: no reference lists at $ref; not checked"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0

names() {
	sed -e 's/#.*//' -e 's/[[:space:]]//g' "$@" | grep -v '^$' | grep -v '^_Z' | LC_ALL=C sort -u
}

# kexthost.exports: "pattern Set" lines
sed -e 's/#.*//' "$config/kexthost.exports" | awk 'NF == 2 { print $1, $2 }' > "$tmp/additions"

allowed() { # name set -> 0 if kexthost.exports allows it
	while read -r pat pset; do
		[ "$pset" = "$2" ] || continue
		# shellcheck disable=SC2254
		case $1 in $pat) return 0 ;; esac
	done < "$tmp/additions"
	return 1
}

if [ -n "$kernel" ]; then
	[ -f "$kernel" ] || { echo "kpi-check: no kernel object $kernel"; exit 1; }
	nm -g --defined-only "$kernel" | awk '{ print $3 }' | LC_ALL=C sort -u > "$tmp/kernel"
fi
for set in BSDKernel Mach Libkern IOKit Unsupported MACFramework Private; do
	list=$config/$set.exports
	[ -f "$list" ] || continue
	names "$list" > "$tmp/ours"
	: > "$tmp/ref"
	for f in "$ref/$set.10.8.txt" "$ref/$set.current.txt"; do
		[ -f "$f" ] && names "$f" >> "$tmp/ref.raw"
	done
	[ -f "$tmp/ref.raw" ] && LC_ALL=C sort -u "$tmp/ref.raw" > "$tmp/ref" && rm -f "$tmp/ref.raw"
	for n in $(LC_ALL=C comm -23 "$tmp/ours" "$tmp/ref"); do
		if ! allowed "$n" "$set"; then
			echo "config/$set.exports: $n is neither in the real $set list nor in config/kexthost.exports"
			bad=1
		fi
	done
	if [ -n "$kernel" ]; then
		for n in $(LC_ALL=C comm -12 "$tmp/kernel" "$tmp/ref" | LC_ALL=C comm -23 - "$tmp/ours"); do
			echo "config/$set.exports: the kernel defines $n, which the real $set set exports; add it"
			bad=1
		done
	fi
done
[ $bad = 0 ] && echo "kpi-check: config/*.exports agree with the reference lists${kernel:+ and the kernel}"
exit $bad
