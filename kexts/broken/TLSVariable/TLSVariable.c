/*
 * broken/TLSVariable — uses a thread-local variable: kernel code has no TLS, kxld refuses the relocation.
 * (a deliberately broken sample: tests/kexttools.sh checks its diagnostics).
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>

kern_return_t TLSVariable_start(kmod_info_t *ki, void *d);
kern_return_t TLSVariable_stop(kmod_info_t *ki, void *d);

static __thread int TLSVariable_value;

kern_return_t
TLSVariable_start(kmod_info_t *ki, void *d)
{
	TLSVariable_value++;
	printf("TLSVariable: %d\n", TLSVariable_value);
	return KERN_SUCCESS;
}

kern_return_t
TLSVariable_stop(kmod_info_t *ki, void *d)
{
	return KERN_SUCCESS;
}
