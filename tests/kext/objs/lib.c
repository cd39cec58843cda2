/*
 * lib.c — a test library kext (its Info.plist has OSBundleCompatibleVersion):
 * exports a function and a variable to kexts that declare it; no start or
 * stop routine.
 */
#include <mach/kmod.h>

int lib_value = 40;

int
lib_add(int a, int b)
{
	return a + b + lib_value - 40;
}

/* Not exported: hidden visibility. */
__attribute__((visibility("hidden"))) int lib_hidden(void);
__attribute__((visibility("hidden"))) int
lib_hidden(void)
{
	return 1;
}

KMOD_EXPLICIT_DECL(com.example.lib, "2.0", 0, 0)
