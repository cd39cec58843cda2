/*
 * broken/BadVersion — CFBundleVersion is not in Apple's version format: a validation failure.
 * (a deliberately broken sample: tests/kexttools.sh checks its diagnostics).
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>

kern_return_t BadVersion_start(kmod_info_t *ki, void *d);
kern_return_t BadVersion_stop(kmod_info_t *ki, void *d);

kern_return_t
BadVersion_start(kmod_info_t *ki, void *d)
{
	printf("BadVersion: started\n");
	return KERN_SUCCESS;
}
kern_return_t
BadVersion_stop(kmod_info_t *ki, void *d)
{
	return KERN_SUCCESS;
}
