/*
 * IOUserNotification.c — notifications for user tasks: the objects behind
 * the io_object_t that io_service_add_notification(_ool)_64 and
 * io_service_add_interest_notification_64 return, as XNU's
 * IOServiceUserNotification and IOServiceMessageUserNotification.
 *
 * Each holds the task's wake port (a kernel-held send right), the task's
 * reference (echoed in every message) and the IONotifier it registered.
 * Messages go out with MACH_SEND_ALWAYS (format in OSMessageNotification.h):
 *
 *  - matching: each new service joins the notification's set (at most
 *    1024 waiting); the task drains the set with IOIteratorNext on the
 *    notification itself. One message is sent when the set goes from empty
 *    to non-empty *and* the notification is armed; it is armed when a drain
 *    finds the set empty. So a task hears once per batch, and must drain
 *    once after registering (the services already there are in the set).
 *  - interest: one message per call, carrying the service's handle.
 *
 * Lifetime (XNU's): the notification keeps itself alive while its notifier
 * is set (setNotification); the last send right to its port going away
 * (IOObjectRelease, or the task's death) removes the notifier, which
 * waits for handler calls in flight, and drops that reference.
 */
#include <IOKit/IOLib.h>
#include <IOKit/IOUserClient.h>
#include <kern/locks.h>
#include <libkern/c/OSContainers.h>
#include <sys/errno.h>
#include <sys/systm.h>
#include "iokit/Kernel/IOMachPort.h"
#include "iokit/Kernel/IOUserNotification.h"

#define IOUSN_MAX_OUTSTANDING 1024 /* services a matching notification holds for the task */

OSDeclareDefaultStructors(IOUserNotification, OSIterator);
struct IOUserNotification {
	OSIterator super;
	IONotifier *notifier;        /* XNU's userIteratorObject; NULL once ended */
	struct ipc_port *remotePort; /* the wake port (a send right), NULL when not ours */
	natural_t msgType;
	bool ipcLogged;
	OSAsyncReference64 reference;
};

OSDeclareDefaultStructors(IOServiceUserNotification, IOUserNotification);
struct IOServiceUserNotification {
	IOUserNotification super;
	OSArray *newSet; /* services not yet taken by the task */
	OSObject *last;  /* the one getNextObject returned last (kept alive for the caller) */
	bool armed;
};

OSDeclareDefaultStructors(IOServiceMessageUserNotification, IOUserNotification);
struct IOServiceMessageUserNotification {
	IOUserNotification super;
};

/* One lock for every user notification's state: made on first use. */
static lck_mtx_t *iousn_lock;

static int
iousn_init(void)
{
	lck_grp_t *grp;
	lck_mtx_t *m, *none = NULL;

	if (__atomic_load_n(&iousn_lock, __ATOMIC_ACQUIRE) != NULL)
		return 0;
	grp = lck_grp_alloc_init("IOUserNotification", LCK_GRP_ATTR_NULL);
	m = grp != NULL ? lck_mtx_alloc_init(grp, LCK_ATTR_NULL) : NULL;
	if (m == NULL) {
		if (grp != NULL)
			lck_grp_free(grp);
		return ENOMEM;
	}
	if (!__atomic_compare_exchange_n(&iousn_lock, &none, m, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		lck_mtx_free(m, grp);
		lck_grp_free(grp);
	}
	return 0;
}

/* ---- IOUserNotification ------------------------------------------------------ */

/* XNU's setNotification: a set notifier holds a reference on self; replacing it removes the old one. */
static void
IOUserNotification_setNotification(IOUserNotification *self, IONotifier *notify)
{
	IONotifier *prev;

	OSObject_retain(self);
	lck_mtx_lock(iousn_lock);
	prev = self->notifier;
	self->notifier = notify;
	lck_mtx_unlock(iousn_lock);
	if (prev != NULL) {
		IONotifier_remove(prev); /* waits for its handler calls in flight */
		if (notify == NULL)
			OSObject_release(self);
	} else if (notify != NULL) {
		OSObject_retain(self);
	}
	OSObject_release(self);
}

static void
IOUserNotification_free(OSObject *obj)
{
	IOUserNotification *self = (IOUserNotification *)obj;

	if (self->remotePort != NULL)
		ipc_port_release_send(self->remotePort);
	self->remotePort = NULL;
	OSSuperCallAs(IOUserNotification, OSObject, free, obj);
}

static void
IOUserNotification_reset(OSIterator *self)
{
}

static bool
IOUserNotification_isValid(OSIterator *self)
{
	return true;
}

static OSObject *
IOUserNotification_getNextObject(OSIterator *self)
{
	return NULL;
}

static const OSMethod IOUserNotification_methods[] = {
        OSMethodOverride(OSObject, free, IOUserNotification_free),
        OSMethodOverride(OSIterator, reset, IOUserNotification_reset),
        OSMethodOverride(OSIterator, isValid, IOUserNotification_isValid),
        OSMethodOverride(OSIterator, getNextObject, IOUserNotification_getNextObject),
        OSMethodEnd,
};
OSDefineMetaClassAndAbstractStructors(IOUserNotification, OSIterator, IOUserNotification_methods);

/* Common setup: the reference (zero-filled to 8 words) and the wake port, which self owns from now on. */
static void
iousn_setup(IOUserNotification *self, struct ipc_port *wake, natural_t type, const io_user_reference_t *ref,
            uint32_t refCnt)
{
	memset(self->reference, 0, sizeof(self->reference));
	if (refCnt > 0)
		memcpy(self->reference, ref, refCnt * sizeof(ref[0]));
	self->remotePort = wake;
	self->msgType = type;
}

static void
iousn_log_send_failure(IOUserNotification *self, const char *who, mach_msg_return_t mr)
{
	if (!self->ipcLogged) {
		self->ipcLogged = true;
		IOLog("%s: kernel_mach_msg_send (0x%x)\n", who, mr);
	}
}

/* ---- matching notifications -------------------------------------------------- */

static void
IOServiceUserNotification_free(OSObject *obj)
{
	IOServiceUserNotification *self = (IOServiceUserNotification *)obj;

	OSSafeReleaseNULL(self->newSet);
	OSSafeReleaseNULL(self->last);
	OSSuperCallAs(IOServiceUserNotification, OSObject, free, obj);
}

/* The next waiting service, or NULL — which arms the notification (the next new service sends a message). */
static OSObject *
IOServiceUserNotification_getNextObject(OSIterator *iter)
{
	IOServiceUserNotification *self = (IOServiceUserNotification *)iter;
	OSObject *result = NULL, *old;
	unsigned int count;

	lck_mtx_lock(iousn_lock);
	count = OSArray_getCount(self->newSet);
	if (count > 0) {
		/* The last one first, as XNU takes them. */
		result = OSArray_getObject(self->newSet, count - 1);
		OSObject_retain(result);
		OSArray_removeObject(self->newSet, count - 1);
	} else {
		self->armed = true;
	}
	old = self->last;
	self->last = result; /* keeps it alive until the next call: the caller doesn't consume it */
	lck_mtx_unlock(iousn_lock);
	OSSafeReleaseNULL(old);
	return result;
}

static const OSMethod IOServiceUserNotification_methods[] = {
        OSMethodOverride(OSObject, free, IOServiceUserNotification_free),
        OSMethodOverride(OSIterator, getNextObject, IOServiceUserNotification_getNextObject),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOServiceUserNotification, IOUserNotification,
                              IOServiceUserNotification_methods);

/* An OSNotificationHeader64 as it sits in a message (without its flexible content member). */
struct iousn_nh {
	mach_msg_size_t size;
	natural_t type;
	OSAsyncReference64 reference;
};
_Static_assert(sizeof(struct iousn_nh) == sizeof(OSNotificationHeader64), "notification header layout");

/* The ping: header and notification header with the reference; no content. */
struct iousn_ping {
	mach_msg_header_t h;
	struct iousn_nh nh;
};

static bool
iousn_matching_handler(void *target, void *ref, IOService *newService, IONotifier *notifier)
{
	IOServiceUserNotification *self = target;
	IOUserNotification *un = &self->super;
	struct iousn_ping ping;
	mach_msg_return_t mr;
	bool send = false;
	unsigned int count;

	lck_mtx_lock(iousn_lock);
	count = OSArray_getCount(self->newSet);
	if (count < IOUSN_MAX_OUTSTANDING) {
		(void)OSArray_setObject(self->newSet, newService);
		send = self->armed && count == 0;
		if (send)
			self->armed = false;
	}
	lck_mtx_unlock(iousn_lock);
	if (!send)
		return true;
	memset(&ping, 0, sizeof(ping));
	ping.h.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND);
	ping.h.msgh_size = sizeof(ping);
	ping.h.msgh_id = kOSNotificationMessageID;
	ping.nh.size = 0;
	ping.nh.type = un->msgType;
	memcpy(ping.nh.reference, un->reference, sizeof(ping.nh.reference));
	/* The received msgh_remote_port is the notification itself: the task iterates it. */
	mr = ipc_kmsg_send_to_port(un->remotePort, &ping, sizeof(ping),
	                           iokit_make_object_port(OSObj(self), IKOT_IOKIT_OBJECT), NULL, 0,
	                           MACH_SEND_ALWAYS);
	if (mr != MACH_MSG_SUCCESS)
		iousn_log_send_failure(un, "IOServiceUserNotification::handler", mr);
	return true;
}

IOReturn
iokit_user_add_matching_notification(const char *type, OSDictionary *matching, struct ipc_port *wake,
                                     const io_user_reference_t *ref, uint32_t refCnt, OSObject **notification)
{
	IOServiceUserNotification *n = NULL;
	const OSSymbol *sym = NULL;
	IONotifier *notify;
	natural_t msgType;
	IOReturn err;

	*notification = NULL;
	if (type == NULL || matching == NULL || wake == NULL || refCnt > kOSAsyncRef64Count)
		return kIOReturnBadArgument;
	if (iousn_init() != 0 || (sym = OSSymbol_withCString(type)) == NULL)
		return kIOReturnNoResources;
	if (sym == gIOPublishNotification || sym == gIOFirstPublishNotification)
		msgType = kIOServicePublishNotificationType;
	else if (sym == gIOMatchedNotification || sym == gIOFirstMatchNotification)
		msgType = kIOServiceMatchedNotificationType;
	else if (sym == gIOTerminatedNotification)
		msgType = kIOServiceTerminatedNotificationType;
	else
		msgType = kLastIOKitNotificationType; /* addMatchingNotification refuses it below */
	err = kIOReturnNoResources;
	n = OSTypeAlloc(IOServiceUserNotification);
	if (n == NULL || !OSObject_init(n) || (n->newSet = OSArray_withCapacity(1)) == NULL)
		goto out;
	iousn_setup(&n->super, wake, msgType, ref, refCnt);
	notify = IOService_addMatchingNotification(sym, matching, iousn_matching_handler, n, NULL, 0);
	if (notify == NULL) {
		err = kIOReturnUnsupported;
		goto out;
	}
	IOUserNotification_setNotification(&n->super, notify);
	*notification = OSObj(n);
	n = NULL;
	err = kIOReturnSuccess;
out:
	if (n != NULL) {
		n->super.remotePort = NULL; /* the caller keeps the wake port */
		OSObject_release(n);
	}
	OSSafeReleaseNULL(sym);
	return err;
}

/* ---- interest notifications -------------------------------------------------- */

static const OSMethod IOServiceMessageUserNotification_methods[] = {
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(IOServiceMessageUserNotification, IOUserNotification,
                              IOServiceMessageUserNotification_methods);

/* Header, body, the service's port descriptor, notification header, content (type, argument). */
struct __attribute__((packed)) iousn_interest_msg {
	mach_msg_header_t h;
	mach_msg_body_t body;
	mach_msg_port_descriptor_t service;
	struct iousn_nh nh;
	natural_t messageType;
	uint8_t argument[kIOUserNotifyMaxMessageSize];
};

static IOReturn
iousn_message_handler(void *target, void *ref, UInt32 messageType, IOService *provider, void *messageArgument,
                      vm_size_t argSize)
{
	IOServiceMessageUserNotification *self = target;
	IOUserNotification *un = &self->super;
	struct iousn_interest_msg m;
	struct ipc_port *ports[1];
	mach_msg_return_t mr;
	natural_t type;

	memset(&m, 0, sizeof(m));
	if (argSize == 0) {
		/* The argument itself travels, as a 64-bit value. */
		io_user_reference_t v = (io_user_reference_t)(uintptr_t)messageArgument;
		memcpy(m.argument, &v, sizeof(v));
		argSize = sizeof(v);
	} else {
		if (argSize > kIOUserNotifyMaxMessageSize)
			argSize = kIOUserNotifyMaxMessageSize;
		memcpy(m.argument, messageArgument, argSize);
	}
	/* The size modulo 4 rides in the type; the bytes are padded to 4. */
	type = un->msgType & ~((natural_t)kIOKitNoticationMsgSizeMask << kIOKitNoticationTypeSizeAdjShift);
	type |= (natural_t)(argSize & kIOKitNoticationMsgSizeMask) << kIOKitNoticationTypeSizeAdjShift;
	argSize = (argSize + kIOKitNoticationMsgSizeMask) & ~(vm_size_t)kIOKitNoticationMsgSizeMask;

	m.h.msgh_bits =
	        MACH_MSGH_BITS_COMPLEX | MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND);
	m.h.msgh_size = (mach_msg_size_t)(offsetof(struct iousn_interest_msg, argument) + argSize);
	m.h.msgh_id = kOSNotificationMessageID;
	m.body.msgh_descriptor_count = 1;
	m.service.disposition = MACH_MSG_TYPE_MAKE_SEND;
	m.service.type = MACH_MSG_PORT_DESCRIPTOR;
	m.nh.size = kIOUserNotifyMaxMessageSize + sizeof(IOServiceInterestContent64);
	m.nh.type = type;
	memcpy(m.nh.reference, un->reference, sizeof(m.nh.reference));
	m.messageType = messageType;
	ports[0] = iokit_make_object_port(OSObj(provider), IKOT_IOKIT_OBJECT);
	mr = ipc_kmsg_send_to_port(un->remotePort, &m, m.h.msgh_size,
	                           iokit_make_object_port(OSObj(self), IKOT_IOKIT_OBJECT), ports, 1,
	                           MACH_SEND_ALWAYS);
	if (mr == MACH_SEND_NO_BUFFER)
		return kIOReturnNoMemory;
	if (mr != MACH_MSG_SUCCESS)
		iousn_log_send_failure(un, "IOServiceMessageUserNotification::handler", mr);
	return kIOReturnSuccess;
}

IOReturn
iokit_user_add_interest_notification(IOService *service, const char *type, struct ipc_port *wake,
                                     const io_user_reference_t *ref, uint32_t refCnt, OSObject **notification)
{
	IOServiceMessageUserNotification *n = NULL;
	const OSSymbol *sym = NULL;
	IONotifier *notify;
	IOReturn err;

	*notification = NULL;
	if (service == NULL || type == NULL || wake == NULL || refCnt > kOSAsyncRef64Count)
		return kIOReturnBadArgument;
	if (iousn_init() != 0 || (sym = OSSymbol_withCString(type)) == NULL)
		return kIOReturnNoResources;
	err = kIOReturnNoResources;
	n = OSTypeAlloc(IOServiceMessageUserNotification);
	if (n == NULL || !OSObject_init(n))
		goto out;
	iousn_setup(&n->super, wake, kIOServiceMessageNotificationType, ref, refCnt);
	notify = IOService_registerInterest(service, sym, iousn_message_handler, n, NULL);
	if (notify == NULL) {
		err = kIOReturnUnsupported;
		goto out;
	}
	IOUserNotification_setNotification(&n->super, notify);
	*notification = OSObj(n);
	n = NULL;
	err = kIOReturnSuccess;
out:
	if (n != NULL) {
		n->super.remotePort = NULL;
		OSObject_release(n);
	}
	OSSafeReleaseNULL(sym);
	return err;
}

void
iokit_user_notification_no_senders(OSObject *obj)
{
	IOUserNotification *n = OSDynamicCast(IOUserNotification, obj);

	if (n != NULL)
		IOUserNotification_setNotification(n, NULL);
}
