/*
 * broken/StartFails — its start routine returns KERN_FAILURE: the load fails and the kext is unmapped.
 * (a deliberately broken sample: tests/kexttools.sh checks its diagnostics).
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>

kern_return_t StartFails_start(kmod_info_t *ki, void *d);
kern_return_t StartFails_stop(kmod_info_t *ki, void *d);

kern_return_t
StartFails_start(kmod_info_t *ki, void *d)
{
	printf("StartFails: refusing to start\n");
	return KERN_FAILURE;
}

kern_return_t
StartFails_stop(kmod_info_t *ki, void *d)
{
	return KERN_SUCCESS;
}
