/*
 * broken/CommonSymbol — defines a common (tentative) symbol, built with -fcommon: kxld refuses it and suggests -fno-common.
 * (a deliberately broken sample: tests/kexttools.sh checks its diagnostics).
 */
#include <mach/mach_types.h>
#include <mach/kmod.h>
#include <sys/systm.h>

kern_return_t CommonSymbol_start(kmod_info_t *ki, void *d);
kern_return_t CommonSymbol_stop(kmod_info_t *ki, void *d);

int CommonSymbol_counter; /* a tentative definition: common with -fcommon */

kern_return_t
CommonSymbol_start(kmod_info_t *ki, void *d)
{
	CommonSymbol_counter++;
	return KERN_SUCCESS;
}

kern_return_t
CommonSymbol_stop(kmod_info_t *ki, void *d)
{
	return KERN_SUCCESS;
}
