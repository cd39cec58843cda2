/*
 * broken/PrivateKPI — a non-Apple kext that declares com.apple.kpi.private: only Apple kexts may.
 * (a deliberately broken sample: tests/kexttools.sh checks its diagnostics).
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>

kern_return_t PrivateKPI_start(kmod_info_t *ki, void *d);
kern_return_t PrivateKPI_stop(kmod_info_t *ki, void *d);

kern_return_t
PrivateKPI_start(kmod_info_t *ki, void *d)
{
	printf("PrivateKPI: started\n");
	return KERN_SUCCESS;
}
kern_return_t
PrivateKPI_stop(kmod_info_t *ki, void *d)
{
	return KERN_SUCCESS;
}
