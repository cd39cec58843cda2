#!/bin/sh
# kpi-coverage.sh [REFERENCE_DIR] — how much of the classic C KPI kexthost
# exports: per KPI set, the names of the real set's OS X 10.8 list that are
# C names (not starting with _Z) and that config/<Set>.exports lists, e.g.
#   com.apple.kpi.libkern      123/456 (27%)
# The reference lists are read from REFERENCE_DIR (default: ../shared/
# reference/kpi next to the project); without them the script says so and
# exits 0.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
ref=${1:-$top/../shared/reference/kpi}
config=$top/config
if [ ! -d "$ref" ]; then
	echo "kpi-coverage: no reference lists at $ref; coverage not computed"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

names() { # file -> sorted C names, comments and blanks dropped
	sed -e 's/#.*//' -e 's/[[:space:]]//g' "$1" | grep -v '^$' | grep -v '^_Z' | LC_ALL=C sort -u
}

echo "KPI coverage (C names of the OS X 10.8 lists exported by config/<Set>.exports):"
total_have=0
total_all=0
for entry in BSDKernel:com.apple.kpi.bsd Mach:com.apple.kpi.mach Libkern:com.apple.kpi.libkern \
	IOKit:com.apple.kpi.iokit Unsupported:com.apple.kpi.unsupported MACFramework:com.apple.kpi.dsep; do
	set=${entry%%:*}
	id=${entry#*:}
	[ -f "$ref/$set.10.8.txt" ] || continue
	names "$ref/$set.10.8.txt" > "$tmp/ref"
	if [ -f "$config/$set.exports" ]; then names "$config/$set.exports" > "$tmp/ours"; else : > "$tmp/ours"; fi
	all=$(wc -l < "$tmp/ref" | tr -d ' ')
	have=$(LC_ALL=C comm -12 "$tmp/ref" "$tmp/ours" | wc -l | tr -d ' ')
	pct=0
	[ "$all" -gt 0 ] && pct=$((have * 100 / all))
	printf '  %-28s %4d/%-4d (%d%%)\n' "$id" "$have" "$all" "$pct"
	case $set in BSDKernel | Mach | Libkern | IOKit)
		total_have=$((total_have + have))
		total_all=$((total_all + all)) ;;
	esac
done
pct=0
[ "$total_all" -gt 0 ] && pct=$((total_have * 100 / total_all))
printf '  %-28s %4d/%-4d (%d%%)\n' "classic C KPI (bsd+mach+libkern+iokit)" "$total_have" "$total_all" "$pct"
