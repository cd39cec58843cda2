/*
 * k_iouc.c — the kernel side of bench/iouc.c: UCTestService and its user
 * client (tests/iokit/uctest.h, the tests' own classes) in the benchmark's
 * kernel, so a client process finds it by matching and opens it.
 */
#include "tests/iokit/uctest.h"
#include "bench/k_iouc.h"

static IOService *k_iouc_service;

int
k_iouc_publish(void)
{
	IOService *res = IOService_getResourceService();
	IOService *s = (IOService *)OSMetaClass_allocClassWithCString("UCTestService");

	if (s == NULL || !IORegistryEntry_init(s, NULL) || !IOService_attach(s, res)) {
		OSSafeReleaseNULL(s);
		return -1;
	}
	if (!IOService_start(s, res)) { /* start registers it */
		IOService_detach(s, res);
		OSObject_release(s);
		return -1;
	}
	k_iouc_service = s;
	return 0;
}

void
k_iouc_unpublish(void)
{
	if (k_iouc_service == NULL)
		return;
	IOService_terminate(k_iouc_service, kIOServiceSynchronous);
	OSSafeReleaseNULL(k_iouc_service);
}
