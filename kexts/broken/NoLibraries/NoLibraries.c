/*
 * broken/NoLibraries — has an executable but no OSBundleLibraries: a validation failure.
 * (a deliberately broken sample: tests/kexttools.sh checks its diagnostics).
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>

kern_return_t NoLibraries_start(kmod_info_t *ki, void *d);
kern_return_t NoLibraries_stop(kmod_info_t *ki, void *d);

kern_return_t
NoLibraries_start(kmod_info_t *ki, void *d)
{
	printf("NoLibraries: started\n");
	return KERN_SUCCESS;
}
kern_return_t
NoLibraries_stop(kmod_info_t *ki, void *d)
{
	return KERN_SUCCESS;
}
