/*
 * IOKitStats.c — the sysctl a leak check reads from a user process
 * (tests/pnp_storm.sh): kern.kexthost.iokit_counts, one line of
 * "KEY=VALUE" words:
 *
 *   key                 value
 *   ------------------  --------------------------------------------------
 *   entries             registry entries in the service plane, root included
 *   IOVirtualDevice     live instances of the class (OSMetaClass count)
 *   VirtualDeviceDriver, VirtualDeviceUserClient   the same (0 when the
 *                       sample kext is not loaded)
 *   zone_elems          zone elements and large kalloc blocks in use
 *   zone_bytes          bytes of them (zprint's "in use" summed)
 *
 * The numbers are read without stopping anything: compare them at rest.
 */
#include <IOKit/IOService.h>
#include <sys/systm.h>
#include <sys/errno.h>
#include <sys/sysctl.h>
#include <libkern/libkern.h>
#include "osfmk/kern/zalloc_internal.h"
#include "iokit/Kernel/IOKitCore.h"

SYSCTL_DECL(_kern_kexthost);

static const char *const iostats_classes[] = {"IOVirtualDevice", "VirtualDeviceDriver",
                                              "VirtualDeviceUserClient"};

static unsigned int
iostats_instances(const char *name)
{
	const OSSymbol *sym = OSSymbol_withCString(name);
	const OSMetaClass *meta = sym != NULL ? OSMetaClass_getMetaClassWithName(sym) : NULL;

	OSSafeReleaseNULL(sym);
	return meta != NULL ? OSMetaClass_getInstanceCount(meta) : 0;
}

static unsigned int
iostats_entries(void)
{
	IORegistryIterator *it = IORegistryIterator_iterateOver(
	        IORegistryEntry_getRegistryRoot(), gIOServicePlane, kIORegistryIterateRecursively);
	unsigned int n = 1; /* the root */

	while (it != NULL && IORegistryIterator_getNextObject(it) != NULL)
		n++;
	OSSafeReleaseNULL(it);
	return n;
}

struct iostats_usage {
	uint64_t bytes, elems;
};

static void
iostats_zone(const struct zone_info *zi, void *ctx)
{
	struct iostats_usage *u = ctx;

	u->bytes += zi->zi_bytes_in_use;
	u->elems += zi->zi_elems_in_use;
}

static int iostats_counts SYSCTL_HANDLER_ARGS
{
	char buf[256];
	size_t len;
	struct iostats_usage u = {0, 0};
	uint64_t n, bytes;

	len = (size_t)snprintf(buf, sizeof(buf), "entries=%u", iostats_entries());
	for (unsigned int i = 0; i < sizeof(iostats_classes) / sizeof(iostats_classes[0]); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %s=%u", iostats_classes[i],
		                        iostats_instances(iostats_classes[i]));
	zone_info_iterate(iostats_zone, &u);
	kalloc_large_stats(&n, &bytes);
	(void)snprintf(buf + len, sizeof(buf) - len, " zone_elems=%llu zone_bytes=%llu",
	               (unsigned long long)(u.elems + n), (unsigned long long)(u.bytes + bytes));
	return SYSCTL_OUT(req, buf, strlen(buf) + 1);
}
SYSCTL_PROC(_kern_kexthost, OID_AUTO, iokit_counts, CTLTYPE_STRING | CTLFLAG_RD | CTLFLAG_LOCKED, 0, 0,
            iostats_counts, "A", "registry entries, virtual-device class instances, zone use");

/* With the I/O Kit's boot and shutdown (IOStartIOKit.c). */
void
iostats_register(bool on)
{
	if (on)
		sysctl_register_oid(&sysctl__kern_kexthost_iokit_counts);
	else
		sysctl_unregister_oid(&sysctl__kern_kexthost_iokit_counts);
}
