/*
 * unsupported.c — a test kext that calls kalloc/kfree (exported by
 * com.apple.kpi.unsupported only) and printf (com.apple.kpi.libkern): it
 * links only when its Info.plist declares both sets.
 */
#include <mach/kmod.h>
#include <kern/kalloc.h>
#include <sys/systm.h>

static kern_return_t
unsupported_start(kmod_info_t *ki, void *d)
{
	void *p = kalloc(16);

	printf("unsupported: kalloc gave %p\n", p);
	kfree(p, 16);
	return KERN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.example.unsupported, "1.0", unsupported_start, 0)
