/*
 * k_iomem.c — the kernel side of bench/iomem.c: MemTestService and its user
 * client (tests/iokit/memtest.h, the tests' own classes) in the benchmark's
 * kernel, so a client process finds it by matching, maps its buffer and
 * calls it.
 */
#include <string.h>
#include "tests/iokit/memtest.h"
#include "bench/k_iomem.h"

static IOService *k_iomem_service;

int
k_iomem_publish(void)
{
	IOService *res = IOService_getResourceService();
	IOService *s = (IOService *)OSMetaClass_allocClassWithCString("MemTestService");

	if (s == NULL || !IORegistryEntry_init(s, NULL) || !IOService_attach(s, res)) {
		OSSafeReleaseNULL(s);
		return -1;
	}
	if (!IOService_start(s, res)) { /* start registers it */
		IOService_detach(s, res);
		OSObject_release(s);
		return -1;
	}
	k_iomem_service = s;
	return 0;
}

void
k_iomem_unpublish(void)
{
	if (k_iomem_service == NULL)
		return;
	IOService_terminate(k_iomem_service, kIOServiceSynchronous);
	OSSafeReleaseNULL(k_iomem_service);
}
