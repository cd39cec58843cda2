/*
 * IOStartIOKit.c — bringing the I/O Kit up at boot and down at shutdown.
 *
 * Boot builds the tree ioreg shows on a Mac: the registry root (an
 * IORegistryEntry named "Root"), under it in the service plane the
 * platform's nub (IOPlatformExpertDevice, named after the platform model,
 * the service root), the platform driver (IOPlatformExpert) started on it,
 * and IOResources beside it; then it fills the catalogue from the kext
 * repository and registers the nubs (matching runs on config threads).
 * Shutdown terminates every service under the platform nub, waits for the
 * registry to go quiet, and stops the config threads, before the kext
 * system unloads the kexts.
 */
#include <IOKit/IOLib.h>
#include <libkern/libkern.h>
#include <mach/clock_types.h>
#include <sys/errno.h>
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOKitDebugPrivate.h"
#include "iokit/Kernel/IOUserRequest.h"
#include "iokit/Kernel/IOServicePMPrivate.h"

#define IOKIT_PLATFORM_MODEL "kexthost1,1"

OSDeclareDefaultStructors(IOPlatformExpertDevice, IOService);
struct IOPlatformExpertDevice {
	IOService super;
};
OSDefineMetaClassAndStructors(IOPlatformExpertDevice, IOService, NULL);

OSDeclareDefaultStructors(IOPlatformExpert, IOService);
struct IOPlatformExpert {
	IOService super;
};
OSDefineMetaClassAndStructors(IOPlatformExpert, IOService, NULL);

static bool iokit_started;

static IOService *
iokit_new_service(const OSMetaClass *meta, const char *name)
{
	IOService *s = (IOService *)OSMetaClass_allocInstance(meta);

	if (s != NULL && !IORegistryEntry_init(s, NULL)) {
		OSSafeReleaseNULL(s);
	}
	if (s != NULL && name != NULL) {
		IORegistryEntry_setName(s, name, NULL);
	}
	return s;
}

int
StartIOKit(void)
{
	IOService *ped, *pe, *res;
	int err;

	if (iokit_started) {
		return 0;
	}
	if ((err = ioreg_init()) != 0 || (err = iosvc_init()) != 0 || (err = iosvc_start_threads()) != 0 ||
	    (err = ioterm_start()) != 0) {
		return err;
	}
	iostats_register(true);
	IORegistryEntry_setName(gIORegistryRoot, "Root", NULL);
	iokit_debug_init();
	ped = iokit_new_service(OSTypeID(IOPlatformExpertDevice), IOKIT_PLATFORM_MODEL);
	pe = iokit_new_service(OSTypeID(IOPlatformExpert), NULL);
	res = iokit_new_service((const OSMetaClass *)&IOResources_gMetaClass, NULL);
	if (ped == NULL || pe == NULL || res == NULL ||
	    !IORegistryEntry_attachToParent(ped, gIORegistryRoot, gIOServicePlane)) {
		OSSafeReleaseNULL(ped);
		OSSafeReleaseNULL(pe);
		OSSafeReleaseNULL(res);
		return ENOMEM;
	}
	(void)IORegistryEntry_setPropertyString(ped, "model", IOKIT_PLATFORM_MODEL);
	(void)IORegistryEntry_setPropertyString(ped, kIOPlatformUUIDKey,
	                                        "00000000-0000-0000-0000-000000000000");
	gIOServiceRoot = ped;
	gIOResources = res;
	gIOPlatform = (IOPlatformExpert *)pe;
	if ((err = iocat_init()) != 0) {
		return err;
	}
	(void)IOService_attach(res, ped);
	if (IOService_attach(pe, ped) && IOService_start(pe, ped)) {
		__atomic_or_fetch(&pe->__state[1], kIOServiceStartedState, __ATOMIC_RELEASE);
	}
	/* The registry holds them now (and the globals point at them). */
	OSObject_release(ped);
	OSObject_release(pe);
	OSObject_release(res);
	iokit_started = true;
	/* Synchronously: boot ends with the registry quiet and no config thread started yet. */
	(void)IORegistryEntry_setPropertyCString(res, "IOKit", kOSBooleanTrue);
	IOService_registerService(ped, kIOServiceSynchronous);
	IOService_registerService(res, kIOServiceSynchronous);
	IOService_registerService(pe, kIOServiceSynchronous);
	/* Power management: the PM thread and the root power domain (IOPMrootDomain.c). */
	if ((err = iopm_init()) != 0 || (err = IOPMrootDomain_startPlatform(pe)) != 0) {
		return err;
	}
	/* The virtual bus, whose devices user programs publish (IOVirtualBus.c). */
	return IOVirtualBus_startPlatform();
}

void
IOKit_shutdown(void)
{
	OSArray *kids;

	if (!iokit_started) {
		return;
	}
	iocat_shutdown();
	(void)IOKitWaitQuiet(0);
	/* Terminate what the kexts started, leaving the platform's own nubs. */
	kids = IORegistryEntry_copyChildren(IORegEntry_(gIOServiceRoot), gIOServicePlane);
	for (unsigned int i = 0; kids != NULL && i < OSArray_getCount(kids); i++) {
		IOService *s = OSDynamicCast(IOService, OSArray_getObject(kids, i));
		OSArray *grand = s ? IORegistryEntry_copyChildren(IORegEntry_(s), gIOServicePlane) : NULL;

		for (unsigned int j = 0; grand != NULL && j < OSArray_getCount(grand); j++) {
			IOService *g = OSDynamicCast(IOService, OSArray_getObject(grand, j));

			if (g != NULL) {
				(void)IOService_terminate(g, kIOServiceRequired | kIOServiceSynchronous);
			}
		}
		OSSafeReleaseNULL(grand);
	}
	OSSafeReleaseNULL(kids);
	/* Bounded: a driver that never closes its provider must not hang the shutdown. */
	if (IOKitWaitQuiet(30ULL * NSEC_PER_SEC) != kIOReturnSuccess) {
		IOLog("IOKit: shutdown: the registry did not go quiet; going on\n");
	}
	iopm_shutdown();
	ioterm_stop();
	iostats_register(false);
	iosvc_notify_kick(true);
	iosvc_shutdown_threads();
	iokit_started = false;
}
