/*
 * broken/NoKmodInfo — built without kmod_info: the loader says the kext is missing its kmod_info structure.
 * (a deliberately broken sample: tests/kexttools.sh checks its diagnostics).
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>

kern_return_t NoKmodInfo_start(kmod_info_t *ki, void *d);
kern_return_t NoKmodInfo_stop(kmod_info_t *ki, void *d);

kern_return_t
NoKmodInfo_start(kmod_info_t *ki, void *d)
{
	printf("NoKmodInfo: started\n");
	return KERN_SUCCESS;
}
kern_return_t
NoKmodInfo_stop(kmod_info_t *ki, void *d)
{
	return KERN_SUCCESS;
}
