/*
 * uckit.h — what the kernel-side user-client tests share (test_userclient,
 * test_uc_connect): the test service and user client (uctest.h), a service
 * attached to IOResources with a chosen IOUserClientClass, the test process
 * attached as a client process, and polling a counter.
 */
#ifndef TESTS_IOKIT_UCKIT_H
#define TESTS_IOKIT_UCKIT_H

#include "tests/ktest.h"
#include "tests/iokit/iotest.h"
#include "tests/iokit/uctest.h"
#include <kern/kalloc.h>
#include "host/khost.h"
#include "bsd/sys/proc_internal.h"
#include "osfmk/ipc/mig.h"
#include "iokit/Kernel/IOMachPort.h"
#include "iokit/Kernel/IOUserClientPrivate.h"

/* Poll a counter until it reaches want (termination frees clients on another thread). */
static inline uint64_t
wait64(uint64_t *v, uint64_t want)
{
	uint64_t end = mach_absolute_time() + IOTEST_LIMIT_NS, x;

	while ((x = __atomic_load_n(v, __ATOMIC_ACQUIRE)) < want && mach_absolute_time() < end)
		IOSleep(1);
	return x;
}

static inline IOService *
new_service(const char *ucClass)
{
	IOService *s = (IOService *)OSMetaClass_allocClassWithCString("UCTestService");

	ck_assert_ptr_nonnull(s);
	ck_assert(IORegistryEntry_init(s, NULL));
	ck_assert(IOService_attach(s, IOService_getResourceService()));
	ck_assert(IOService_start(s, IOService_getResourceService()));
	if (ucClass != NULL)
		ck_assert(IORegistryEntry_setPropertyString(s, kIOUserClientClassKey, ucClass));
	else
		IORegistryEntry_removePropertyCString(s, kIOUserClientClassKey);
	return s;
}

static inline void
drop_service(IOService *s)
{
	IOService_terminate(s, kIOServiceSynchronous);
	OSObject_release(s);
}

static inline proc_t
attach(uid_t uid)
{
	proc_t p = NULL;

	ck_assert_int_eq(proc_attach(khost_getpid(), uid, uid == 0 ? 0 : 20, -1, &p), 0);
	return p;
}

#endif /* TESTS_IOKIT_UCKIT_H */
