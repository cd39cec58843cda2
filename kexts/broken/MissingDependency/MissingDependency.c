/*
 * broken/MissingDependency — declares a library that no kext in the repository provides: a dependency resolution failure.
 * (a deliberately broken sample: tests/kexttools.sh checks its diagnostics).
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>

kern_return_t MissingDependency_start(kmod_info_t *ki, void *d);
kern_return_t MissingDependency_stop(kmod_info_t *ki, void *d);

kern_return_t
MissingDependency_start(kmod_info_t *ki, void *d)
{
	printf("MissingDependency: started\n");
	return KERN_SUCCESS;
}
kern_return_t
MissingDependency_stop(kmod_info_t *ki, void *d)
{
	return KERN_SUCCESS;
}
