/*
 * broken/KernelDependency — declares com.apple.kernel in OSBundleLibraries, which kexts may not link against.
 * (a deliberately broken sample: tests/kexttools.sh checks its diagnostics).
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>

kern_return_t KernelDependency_start(kmod_info_t *ki, void *d);
kern_return_t KernelDependency_stop(kmod_info_t *ki, void *d);

kern_return_t
KernelDependency_start(kmod_info_t *ki, void *d)
{
	printf("KernelDependency: started\n");
	return KERN_SUCCESS;
}
kern_return_t
KernelDependency_stop(kmod_info_t *ki, void *d)
{
	return KERN_SUCCESS;
}
