#!/bin/sh
# rename-syms.sh KERNEL_OBJ — print an objcopy --redefine-syms list that
# renames every global symbol the kernel defines which a host library also
# defines (printf, strlen, random, log, ...) to xnu_<name>. The kernel and
# glibc then live in one process without interposing on each other; kexts
# still see Apple's names because the KPI export tables map them.
set -eu
obj=$1
cc=${CC:-gcc}
libs=""
for l in libc.so.6 libm.so.6; do
	p=$($cc -print-file-name=$l)
	[ -f "$p" ] && libs="$libs $p"
done
plistdir=$(pkg-config --variable=libdir libplist-2.0 2>/dev/null || echo /usr/lib/x86_64-linux-gnu)
for p in "$plistdir"/libplist-2.0.so*; do
	[ -f "$p" ] && { libs="$libs $p"; break; }
done
case "${SAN:-}" in
asan) for l in libasan.so libubsan.so; do p=$($cc -print-file-name=$l); [ -f "$p" ] && libs="$libs $p"; done ;;
tsan) p=$($cc -print-file-name=libtsan.so); [ -f "$p" ] && libs="$libs $p" ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086
nm -D --defined-only $libs 2>/dev/null | awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' | sort -u > "$tmp/host"
nm -g --defined-only "$obj" | awk 'NF >= 3 { print $3 }' | sort -u > "$tmp/kernel"
comm -12 "$tmp/host" "$tmp/kernel" | awk '{ print $1 " xnu_" $1 }'
