#!/bin/sh
# check-boundary.sh KERNEL_OBJ — the kernel may reach the host only through
# host/khost.h (khost_*) and the vetted pure libraries (libplist: plist_*;
# libelf from elfutils: elf_*, gelf_*, elf64_*).
# Any other undefined symbol means kernel code called Linux or glibc directly.
set -eu
obj=$1
bad=$(nm -u "$obj" | awk '{ print $2 }' | grep -vE \
	'^(khost_|plist_|elf_|gelf_|elf64_|__start_[a-z_]+$|__stop_[a-z_]+$|__asan_|__ubsan_|__tsan_|__sanitizer_|__sancov_|__sancov_|_GLOBAL_OFFSET_TABLE_$|__(u?div|u?mod|popcount|clz|ctz|ffs|bswap)[a-z0-9]*$)' || true)
if [ -n "$bad" ]; then
	echo "error: kernel code references host symbols outside host/khost.h:" >&2
	echo "$bad" | sed 's/^/	/' >&2
	echo "(call the host through a khost_* function declared in host/khost.h)" >&2
	exit 1
fi
