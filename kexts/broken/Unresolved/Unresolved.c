/*
 * broken/Unresolved — calls a function no library exports: kxld reports the unresolved symbol.
 * (a deliberately broken sample: tests/kexttools.sh checks its diagnostics).
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>

kern_return_t Unresolved_start(kmod_info_t *ki, void *d);
kern_return_t Unresolved_stop(kmod_info_t *ki, void *d);

extern int kexthost_no_such_function(int);

kern_return_t
Unresolved_start(kmod_info_t *ki, void *d)
{
	return kexthost_no_such_function(1) == 0 ? KERN_SUCCESS : KERN_FAILURE;
}

kern_return_t
Unresolved_stop(kmod_info_t *ki, void *d)
{
	return KERN_SUCCESS;
}
