/*
 * benchkext.c — the small kext of the kext-system benchmark: a start and a
 * stop routine and ten imports from com.apple.kpi.libkern.
 */
#include <mach/kmod.h>
#include <string.h>
#include <libkern/libkern.h>
#include <libkern/OSAtomic.h>
#include <libkern/OSMalloc.h>

static char bench_buf[64];
static volatile SInt32 bench_count;
static OSMallocTag bench_tag;

static kern_return_t
benchkext_start(kmod_info_t *ki, void *d)
{
	memset(bench_buf, 0, sizeof(bench_buf));
	snprintf(bench_buf, sizeof(bench_buf), "%s", ki->name);
	if (strlen(bench_buf) == 0 || strncmp(bench_buf, "com.", 4) != 0) {
		return KERN_FAILURE;
	}
	memcpy(bench_buf + 32, bench_buf, 16);
	bzero(bench_buf + 48, 8);
	OSAddAtomic(1, &bench_count);
	bench_tag = OSMalloc_Tagalloc("benchkext", OSMT_DEFAULT);
	return bench_tag != NULL ? KERN_SUCCESS : KERN_FAILURE;
}

static kern_return_t
benchkext_stop(kmod_info_t *ki, void *d)
{
	OSMalloc_Tagfree(bench_tag);
	OSAddAtomic(-1, &bench_count);
	return strcmp(bench_buf, ki->name) == 0 ? KERN_SUCCESS : KERN_FAILURE;
}

KMOD_EXPLICIT_DECL(com.example.bench, "1.0", benchkext_start, benchkext_stop)
