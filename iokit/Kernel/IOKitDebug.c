/*
 * IOKitDebug.c — gIOKitDebug, the I/O Kit's debug flags (IOKitDebug.h).
 *
 * The io= boot-arg sets the word at StartIOKit. It is published as the
 * IOKitDebug number of the registry root (as on a Mac, `ioreg -d1 -l` shows
 * it) and as the debug.iokit sysctl, which root may write to change the
 * logging of a running kernel; a write updates the root property too.
 */
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/sysctl.h>
#include <pexpert/pexpert.h>
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOKitDebugPrivate.h"

SInt64 gIOKitDebug;

static void
iokit_debug_publish(void)
{
	if (gIORegistryRoot != NULL) {
		(void)IORegistryEntry_setPropertyNumber(gIORegistryRoot, kIOKitDebugKey,
		                                        (unsigned long long)gIOKitDebug, 64);
	}
}

static int iokit_debug_sysctl SYSCTL_HANDLER_ARGS
{
	long long value = gIOKitDebug;
	int changed = 0;
	int err;

	err = sysctl_io_number(req, value, sizeof(value), &value, &changed);
	if (err == 0 && changed) {
		__atomic_store_n(&gIOKitDebug, (SInt64)value, __ATOMIC_RELAXED);
		iokit_debug_publish();
	}
	return err;
}
SYSCTL_DECL(_debug);
SYSCTL_PROC(_debug, OID_AUTO, iokit, CTLTYPE_QUAD | CTLFLAG_RW | CTLFLAG_KERN | CTLFLAG_LOCKED, 0, 0,
            iokit_debug_sysctl, "Q", "boot_arg io");

void
iokit_debug_init(void)
{
	static int registered;
	unsigned long long flags = 0;

	gIOKitDebug = 0;
	if (PE_parse_boot_argn("io", &flags, sizeof(flags))) {
		gIOKitDebug = (SInt64)flags;
	}
	iokit_debug_publish();
	if (!registered) {
		registered = 1;
		sysctl_register_oid(&sysctl__debug_iokit);
	}
}
