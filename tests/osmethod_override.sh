#!/bin/sh
# osmethod_override.sh — OSMethodOverride() is checked at compile time: a
# driver's override with the slot's exact type compiles (in a static
# initializer, with gcc and with clang, -Werror), one whose type differs
# fails with the macro's readable message.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags="-std=gnu11 -nostdinc -isystem sdk/Kernel -I. -DKERNEL -ffreestanding -Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes -fsyntax-only"

cat > "$tmp/good.c" <<'C'
#include <libkern/c/OSContainers.h>
OSDeclareDefaultStructors(MyDict, OSDictionary);
struct MyDict { OSDictionary super; int extra; };
static void MyDict_free(OSObject *self) { OSSuperCallAs(MyDict, OSObject, free, self); }
static unsigned int MyDict_getCount(const OSCollection *self) { return 1 + OSSuperCall(MyDict, getCount, self); }
static const OSMethod MyDict_methods[] = {
	OSMethodOverride(OSObject, free, MyDict_free),
	OSMethodOverride(OSCollection, getCount, MyDict_getCount),
	OSMethodEnd,
};
OSDefineMetaClassAndStructors(MyDict, OSDictionary, MyDict_methods);
C
sed -e 's/static unsigned int MyDict_getCount(const OSCollection \*self)/static int MyDict_getCount(OSCollection *self)/' \
	"$tmp/good.c" > "$tmp/bad.c"
sed -e 's/struct MyDict { OSDictionary super; int extra; };/struct MyDict { int extra; OSDictionary super; };/' \
	"$tmp/good.c" > "$tmp/badlayout.c"

status=0
for cc in gcc clang; do
	command -v $cc > /dev/null || continue
	# shellcheck disable=SC2086
	if ! $cc $flags "$tmp/good.c" 2> "$tmp/good.err"; then
		echo "FAIL: $cc rejects a well-typed override:"; cat "$tmp/good.err"; status=1
	fi
	# shellcheck disable=SC2086
	if $cc $flags "$tmp/bad.c" 2> "$tmp/bad.err"; then
		echo "FAIL: $cc accepts an override of the wrong type"; status=1
	elif ! grep -q "function type does not match the vtable slot" "$tmp/bad.err"; then
		echo "FAIL: $cc's error does not name the problem:"; cat "$tmp/bad.err"; status=1
	fi
	# shellcheck disable=SC2086
	if $cc $flags "$tmp/badlayout.c" 2> "$tmp/badlayout.err"; then
		echo "FAIL: $cc accepts a class whose first member is not its superclass"; status=1
	elif ! grep -q "the first member must be" "$tmp/badlayout.err"; then
		echo "FAIL: $cc's layout error is unclear:"; cat "$tmp/badlayout.err"; status=1
	fi
	echo "$cc: checked"
done
exit $status
