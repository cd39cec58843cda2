/*
 * broken/StopFails — its stop routine returns KERN_FAILURE: kextunload is
 * refused and the kext stays loaded (a deliberately broken sample:
 * tests/kexttools.sh checks it).
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>

kern_return_t StopFails_start(kmod_info_t *ki, void *d);
kern_return_t StopFails_stop(kmod_info_t *ki, void *d);

kern_return_t
StopFails_start(kmod_info_t *ki, void *d)
{
	printf("StopFails: started\n");
	return KERN_SUCCESS;
}

kern_return_t
StopFails_stop(kmod_info_t *ki, void *d)
{
	printf("StopFails: refusing to stop\n");
	return KERN_FAILURE;
}
