/*
 * failstart.c — a test kext whose start fails (returns KERN_FAILURE) after
 * leaving an OSMalloc allocation behind; the loader must unmap it and
 * report the leak.
 */
#include <mach/kmod.h>
#include <libkern/OSMalloc.h>

int failstart_calls;

static kern_return_t
failstart_start(kmod_info_t *ki, void *d)
{
	OSMallocTag tag = OSMalloc_Tagalloc("com.example.failstart.tag", OSMT_DEFAULT);

	failstart_calls++;
	(void)OSMalloc(32, tag);
	return KERN_FAILURE;
}

KMOD_EXPLICIT_DECL(com.example.failstart, "1.0", failstart_start, 0)
