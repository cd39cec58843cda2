/*
 * IOServiceTerminate.c — terminate(): taking a service and the clients that
 * depend only on it out of the registry, in XNU's phases.
 *
 * Phase 1 (caller's thread): mark the victim inactive, then each client
 * whose requestTerminate(provider) agrees (by default: no other active
 * provider), breadth first; each victim gets the will-terminate and
 * terminated notifications and becomes busy, so waitQuiet covers the rest.
 * Phase 2 (caller's thread with kIOServiceSynchronous, else a config
 * thread): willTerminate(provider) on each client, root to leaf; then
 * didTerminate leaf to root; then, leaf to root, a client that still holds
 * its provider open is asked to close (kIOMessageServiceIsRequestingClose;
 * power-management-aware closing comes with issue 7), stop(provider) is
 * called on started drivers, finalize, and the victim detaches from all its
 * providers, which drops the registry's references.
 */
#include <IOKit/IOLib.h>
#include <libkern/libkern.h>
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOUserNotification.h"

/* The victims in phase-1 order (root first), kept with the job. */
struct ioterm_list {
	OSArray *victims;
};

static bool
ioterm_mark_inactive(IOService *s)
{
	bool was;

	iosvc_lock();
	was = (s->__state[0] & kIOServiceInactiveState) != 0;
	if (!was) {
		s->__state[0] |= kIOServiceInactiveState;
		s->__state[1] |= kIOServiceTermPhase1State;
		(void)iosvc_adjust_busy_locked(s, 1);
	}
	iosvc_unlock();
	return !was;
}

static OSArray *
ioterm_phase1(IOService *self, IOOptionBits options)
{
	OSArray *victims = OSArray_withCapacity(4);

	if (victims == NULL || !ioterm_mark_inactive(self)) {
		OSSafeReleaseNULL(victims);
		return NULL;
	}
	(void)OSArray_setObject(victims, self);
	for (unsigned int i = 0; i < OSArray_getCount(victims); i++) {
		IOService *v = (IOService *)OSArray_getObject(victims, i);
		OSArray *kids = IORegistryEntry_copyChildren(IORegEntry_(v), gIOServicePlane);

		iosvc_deliver_notification(v, gIOWillTerminateNotification, 0, 0xffffffff);
		iosvc_deliver_notification(v, gIOTerminatedNotification, 0, 0xffffffff);
		iosvc_interest_message(v, gIOGeneralInterest, kIOMessageServiceIsTerminated,
		                       (void *)(uintptr_t)options, 0);
		for (unsigned int k = 0; kids != NULL && k < OSArray_getCount(kids); k++) {
			IOService *c = OSDynamicCast(IOService, OSArray_getObject(kids, k));

			if (c != NULL && !IOService_isInactive(c) &&
			    IOService_requestTerminate(c, v, options) && ioterm_mark_inactive(c)) {
				(void)OSArray_setObject(victims, c);
			}
		}
		OSSafeReleaseNULL(kids);
	}
	return victims;
}

/* fn(client, provider) for each client of victim that is itself a victim. */
static void
ioterm_each_pair(OSArray *victims, unsigned int i, void (*fn)(IOService *, IOService *, IOOptionBits),
                 IOOptionBits options)
{
	IOService *v = (IOService *)OSArray_getObject(victims, i);
	OSArray *kids = IORegistryEntry_copyChildren(IORegEntry_(v), gIOServicePlane);

	for (unsigned int k = 0; kids != NULL && k < OSArray_getCount(kids); k++) {
		IOService *c = OSDynamicCast(IOService, OSArray_getObject(kids, k));

		if (c != NULL && OSArray_getNextIndexOfObject(victims, OSObj(c), 0) != (unsigned int)-1) {
			fn(c, v, options);
		}
	}
	OSSafeReleaseNULL(kids);
}

static void
ioterm_will(IOService *client, IOService *provider, IOOptionBits options)
{
	(void)IOService_willTerminate(client, provider, options);
	(void)IOService_message(client, kIOMessageServiceIsTerminated, provider, (void *)(uintptr_t)options);
}

static void
ioterm_did(IOService *client, IOService *provider, IOOptionBits options)
{
	bool defer = false;

	(void)IOService_didTerminate(client, provider, options, &defer);
}

static void
ioterm_stop_detach(IOService *v, IOOptionBits options)
{
	OSArray *parents = IORegistryEntry_copyParents(IORegEntry_(v), gIOServicePlane);
	bool started;

	iosvc_lock();
	started = (v->__state[1] & kIOServiceStartedState) != 0;
	v->__state[1] &= ~kIOServiceStartedState;
	iosvc_unlock();
	for (unsigned int i = 0; parents != NULL && i < OSArray_getCount(parents); i++) {
		IOService *p = OSDynamicCast(IOService, OSArray_getObject(parents, i));

		if (p == NULL) {
			continue;
		}
		if (IOService_isOpen(p, v)) {
			(void)IOService_message(v, kIOMessageServiceIsRequestingClose, p,
			                        (void *)(uintptr_t)options);
			if (IOService_isOpen(p, v)) {
				IOService_close(p, v, 0);
			}
		}
		if (started) {
			IOService_stop(v, p);
		}
	}
	/* Power management ends with the driver's stop (XNU's PMstop in the stop path). */
	IOService_PMstop(v);
	(void)IOService_finalize(v, options);
	for (unsigned int i = 0; parents != NULL && i < OSArray_getCount(parents); i++) {
		IOService *p = OSDynamicCast(IOService, OSArray_getObject(parents, i));

		if (p != NULL) {
			IOService_detach(v, p);
		} else {
			IORegistryEntry_detachFromParent(v, OSArray_getObject(parents, i), gIOServicePlane);
		}
	}
	OSSafeReleaseNULL(parents);
}

static void
ioterm_phase2(OSArray *victims, IOOptionBits options)
{
	unsigned int n = OSArray_getCount(victims);

	for (unsigned int i = 0; i < n; i++) {
		ioterm_each_pair(victims, i, ioterm_will, options);
	}
	for (unsigned int i = n; i-- > 0;) {
		ioterm_each_pair(victims, i, ioterm_did, options);
	}
	for (unsigned int i = n; i-- > 0;) {
		IOService *v = (IOService *)OSArray_getObject(victims, i);

		ioterm_stop_detach(v, options);
		IOService_adjustBusy(v, -1);
	}
	iosvc_wake_waiters();
}

/* The config-thread job: the victims array rides in the service's slot. */
static void
ioterm_job(IOService *carrier, IOOptionBits options)
{
	OSArray *victims = (OSArray *)(void *)carrier;

	ioterm_phase2(victims, options);
}

bool
iosvc_terminate(IOService *self, IOOptionBits options)
{
	OSArray *victims = ioterm_phase1(self, options);

	if (victims == NULL) {
		return false;
	}
	if ((options & kIOServiceSynchronous) ||
	    !iosvc_queue_terminate((IOService *)(void *)victims, options, ioterm_job)) {
		ioterm_phase2(victims, options);
	}
	OSObject_release(victims);
	return true;
}

bool(IOService_terminate)(IOService *self, IOOptionBits options)
{
	if (self == NULL || self == gIOServiceRoot) {
		return false;
	}
	return iosvc_terminate(self, options);
}
