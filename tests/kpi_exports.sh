#!/bin/sh
# kpi_exports.sh — the KPI export lists: every name in config/<Set>.exports is
# a real name of that set or a documented kexthost addition, every real KPI
# name the kernel defines is exported (tools/kpi-check.sh), the generated
# table matches the lists, and the coverage report runs (tools/kpi-coverage.sh).
set -eu
BUILD=${BUILD:-build}
fail() { echo "FAIL: $*"; exit 1; }

sh tools/kpi-check.sh "$BUILD/kernel/kernel.raw.o" || fail "kpi-check"
gen=$BUILD/gen/kpi_exports.c
[ -f "$gen" ] || fail "no generated table $gen"
for set in Libkern Mach BSDKernel Unsupported; do
	want=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' "config/$set.exports" | grep -v '^$' | sort -u | wc -l)
	got=$(awk "/kpi_$set\\[\\] = \\{/,/^};/" "$gen" | grep -c '^	{"')
	[ "$want" = "$got" ] || fail "$set: $want names listed, $got in the table"
done
sh tools/kpi-coverage.sh | tee /dev/stderr | grep -q 'com.apple.kpi.libkern' || \
	[ ! -d ../shared/reference/kpi ] || fail "coverage report"
echo "ok"
