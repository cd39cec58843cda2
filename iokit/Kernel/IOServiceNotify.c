/*
 * IOServiceNotify.c — matching notifications (IONotifier), matching
 * dictionaries, lookups of registered services, waitForMatchingService.
 *
 * Notifiers live in one ordered set per notification type (priority
 * order) under the notification mutex. A service's state change and the
 * snapshot of the notifiers to tell are taken together under that mutex,
 * and addMatchingNotification inserts its notifier and lists the existing
 * services under it too, so each service is reported once: either as
 * existing or by the change. Handlers run with no lock held (matchPassive
 * may call a family's matchPropertyTable). remove() waits for handler
 * calls in flight on other threads, as XNU's does.
 */
#include <IOKit/IOLib.h>
#include <kern/clock.h>
#include <kern/debug.h>
#include <kern/thread.h>
#include <libkern/libkern.h>
#include <sys/errno.h>
#include "iokit/Kernel/IOKitCore.h"

#define kIOServiceNotifyEnable 0x00000001u

OSDeclareDefaultStructors(_IOServiceNotifier, IONotifier);
struct _IOServiceNotifier {
	IONotifier super;
	OSDictionary *matching;
	IOServiceMatchingNotificationHandler handler;
	void *target;
	void *ref;
	SInt32 priority;
	uint32_t state;
	uint32_t inflight;
	const OSSymbol *type; /* NULL once removed */
};

static lck_mtx_t *iosvc_notify_mtx;
static OSDictionary *iosvc_notifications; /* type -> OSOrderedSet of notifiers */
static uint32_t iosvc_match_gen;          /* bumped when a service becomes matched or a resource appears */
static bool iosvc_notify_down;
static __thread _IOServiceNotifier *iosvc_invoking;

/* ---- the notifier class ---------------------------------------------------------- */

static void
_IOServiceNotifier_free(OSObject *obj)
{
	_IOServiceNotifier *self = (_IOServiceNotifier *)obj;

	OSSafeReleaseNULL(self->matching);
	OSSuperCallAs(_IOServiceNotifier, OSObject, free, obj);
}

static void
_IOServiceNotifier_removeImpl(IONotifier *n)
{
	_IOServiceNotifier *self = (_IOServiceNotifier *)n;

	lck_mtx_lock(iosvc_notify_mtx);
	if (self->type != NULL) {
		OSOrderedSet *set = (OSOrderedSet *)OSDictionary_getObject(iosvc_notifications, self->type);

		self->type = NULL;
		self->state &= ~kIOServiceNotifyEnable;
		if (set != NULL) {
			OSOrderedSet_removeObject(set,
			                          self); /* drops the set's reference; the caller's remains */
		}
	}
	/* Wait for calls on other threads; a handler may remove its own notifier. */
	while (self->inflight > (iosvc_invoking == self ? 1u : 0u)) {
		(void)lck_mtx_sleep(iosvc_notify_mtx, LCK_SLEEP_DEFAULT, &self->inflight, THREAD_UNINT);
	}
	lck_mtx_unlock(iosvc_notify_mtx);
	OSObject_release(self);
}

static bool
_IOServiceNotifier_disableImpl(IONotifier *n)
{
	_IOServiceNotifier *self = (_IOServiceNotifier *)n;
	bool was;

	lck_mtx_lock(iosvc_notify_mtx);
	was = (self->state & kIOServiceNotifyEnable) != 0;
	self->state &= ~kIOServiceNotifyEnable;
	lck_mtx_unlock(iosvc_notify_mtx);
	return was;
}

static void
_IOServiceNotifier_enableImpl(IONotifier *n, bool was)
{
	_IOServiceNotifier *self = (_IOServiceNotifier *)n;

	lck_mtx_lock(iosvc_notify_mtx);
	if (was && self->type != NULL) {
		self->state |= kIOServiceNotifyEnable;
	} else {
		self->state &= ~kIOServiceNotifyEnable;
	}
	lck_mtx_unlock(iosvc_notify_mtx);
}

static const OSMethod _IOServiceNotifier_methods[] = {
        OSMethodOverride(OSObject, free, _IOServiceNotifier_free),
        OSMethodOverride(IONotifier, remove, _IOServiceNotifier_removeImpl),
        OSMethodOverride(IONotifier, disable, _IOServiceNotifier_disableImpl),
        OSMethodOverride(IONotifier, enable, _IOServiceNotifier_enableImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(_IOServiceNotifier, IONotifier, _IOServiceNotifier_methods);
OSDefineMetaClassAndAbstractStructors(IONotifier, OSObject, NULL);

SInt32
iosvc_notifier_priority(const OSObject *obj, bool *isNotifier)
{
	_IOServiceNotifier *n = OSDynamicCast(_IOServiceNotifier, obj);

	*isNotifier = n != NULL;
	return n ? n->priority : 0;
}

/* Call the handler if still enabled; the service is held for the call. */
static void
iosvc_invoke(IOService *service, _IOServiceNotifier *n)
{
	_IOServiceNotifier *saved;

	lck_mtx_lock(iosvc_notify_mtx);
	if (!(n->state & kIOServiceNotifyEnable)) {
		lck_mtx_unlock(iosvc_notify_mtx);
		return;
	}
	n->inflight++;
	lck_mtx_unlock(iosvc_notify_mtx);
	OSObject_retain(service);
	saved = iosvc_invoking;
	iosvc_invoking = n;
	(void)n->handler(n->target, n->ref, service, (IONotifier *)n);
	iosvc_invoking = saved;
	OSObject_release(service);
	lck_mtx_lock(iosvc_notify_mtx);
	if (--n->inflight == 0) {
		thread_wakeup(&n->inflight);
	}
	lck_mtx_unlock(iosvc_notify_mtx);
}

bool
iosvc_invoke_if_notifier(IOService *service, OSObject *entry)
{
	_IOServiceNotifier *n = OSDynamicCast(_IOServiceNotifier, entry);

	if (n == NULL) {
		return false;
	}
	if (!IOService_isInactive(service)) {
		iosvc_invoke(service, n);
	}
	return true;
}

/* Snapshot of the enabled notifiers of type (retained array), notify lock held. */
static OSArray *
iosvc_snapshot_locked(const OSSymbol *type)
{
	OSOrderedSet *set = (OSOrderedSet *)OSDictionary_getObject(iosvc_notifications, type);
	OSArray *a = NULL;

	for (unsigned int i = 0; set != NULL && i < OSOrderedSet_getCount(set); i++) {
		_IOServiceNotifier *n = (_IOServiceNotifier *)OSOrderedSet_getObject(set, i);

		if (!(n->state & kIOServiceNotifyEnable)) {
			continue;
		}
		if (a == NULL && (a = OSArray_withCapacity(4)) == NULL) {
			break;
		}
		(void)OSArray_setObject(a, n);
	}
	return a;
}

void
iosvc_deliver_notification(IOService *service, const OSSymbol *type, IOOptionBits orNewState,
                           IOOptionBits andNewState)
{
	OSArray *willSend;

	lck_mtx_lock(iosvc_notify_mtx);
	willSend = iosvc_snapshot_locked(type);
	iosvc_lock();
	service->__state[0] = (service->__state[0] | orNewState) & andNewState;
	iosvc_unlock();
	if (orNewState & kIOServiceMatchedState) {
		iosvc_match_gen++;
		thread_wakeup(&iosvc_match_gen);
	}
	lck_mtx_unlock(iosvc_notify_mtx);
	for (unsigned int i = 0; willSend != NULL && i < OSArray_getCount(willSend); i++) {
		_IOServiceNotifier *n = (_IOServiceNotifier *)OSArray_getObject(willSend, i);

		if (IOService_matchPassive(service, n->matching, 0)) {
			iosvc_invoke(service, n);
		}
	}
	OSSafeReleaseNULL(willSend);
}

void
iosvc_add_publish_notifiers(IOService *service, OSOrderedSet *matches)
{
	OSArray *all;

	lck_mtx_lock(iosvc_notify_mtx);
	all = iosvc_snapshot_locked(gIOPublishNotification);
	lck_mtx_unlock(iosvc_notify_mtx);
	for (unsigned int i = 0; all != NULL && i < OSArray_getCount(all); i++) {
		_IOServiceNotifier *n = (_IOServiceNotifier *)OSArray_getObject(all, i);

		if (IOService_matchPassive(service, n->matching, 0)) {
			(void)OSOrderedSet_setObject(matches, n);
		}
	}
	OSSafeReleaseNULL(all);
}

/* ---- existing services ------------------------------------------------------------ */

/* Services in the service plane with all of inState, not inactive, matching (retained array). */
static OSArray *
iosvc_existing(OSDictionary *matching, IOOptionBits inState, bool once)
{
	OSArray *found = OSArray_withCapacity(4);
	OSNumber *id;
	IORegistryIterator *it;
	IORegistryEntry *e;

	if (found == NULL || gIOServiceRoot == NULL) {
		return found;
	}
	/* A lookup by ID needs no walk. */
	if ((id = OSDynamicCast(OSNumber, OSDictionary_getObject(matching, gIORegistryEntryIDKey))) != NULL) {
		IOService *s;

		e = IORegistryEntry_fromID(OSNumber_unsigned64BitValue(id));
		s = e ? OSDynamicCast(IOService, e) : NULL;
		if (s != NULL && (IOService_getState(s) & (inState | kIOServiceInactiveState)) == inState &&
		    IOService_matchPassive(s, matching, 0)) {
			(void)OSArray_setObject(found, s);
		}
		OSSafeReleaseNULL(e);
		return found;
	}
	it = IORegistryIterator_iterateOver(IORegistryEntry_getRegistryRoot(), gIOServicePlane,
	                                    kIORegistryIterateRecursively);
	while (it != NULL && (e = IORegistryIterator_getNextObject(it)) != NULL) {
		IOService *s = OSDynamicCast(IOService, e);

		if (s != NULL && (IOService_getState(s) & (inState | kIOServiceInactiveState)) == inState &&
		    IOService_matchPassive(s, matching, 0)) {
			(void)OSArray_setObject(found, s);
			if (once) {
				break;
			}
		}
	}
	OSSafeReleaseNULL(it);
	return found;
}

IONotifier *
IOService_addMatchingNotification(const OSSymbol *type, OSDictionary *matching,
                                  IOServiceMatchingNotificationHandler handler, void *target, void *ref,
                                  SInt32 priority)
{
	_IOServiceNotifier *n;
	OSOrderedSet *set;
	OSArray *existing = NULL;
	IOOptionBits inState = 0;

	if (type == NULL || matching == NULL || handler == NULL || iosvc_notify_mtx == NULL) {
		return NULL;
	}
	if (type == gIOPublishNotification || type == gIOFirstPublishNotification) {
		inState = kIOServiceRegisteredState;
	} else if (type == gIOMatchedNotification || type == gIOFirstMatchNotification) {
		inState = kIOServiceMatchedState;
	} else if (type != gIOTerminatedNotification && type != gIOWillTerminateNotification) {
		return NULL;
	}
	if ((n = OSTypeAlloc(_IOServiceNotifier)) == NULL || !OSObject_init(n)) {
		OSSafeReleaseNULL(n);
		return NULL;
	}
	OSObject_retain(matching);
	n->matching = matching;
	n->handler = handler;
	n->target = target;
	n->ref = ref;
	n->priority = priority;
	n->type = type;
	n->state = kIOServiceNotifyEnable;
	lck_mtx_lock(iosvc_notify_mtx);
	set = (OSOrderedSet *)OSDictionary_getObject(iosvc_notifications, type);
	if (set == NULL && (set = OSOrderedSet_withCapacity(1, IOServiceOrdering, NULL)) != NULL) {
		(void)OSDictionary_setObject(iosvc_notifications, type, set);
		OSObject_release(set);
	}
	if (set == NULL || !OSOrderedSet_setObject(set, n)) {
		lck_mtx_unlock(iosvc_notify_mtx);
		OSObject_release(n);
		return NULL;
	}
	if (inState != 0) {
		existing = iosvc_existing(matching, inState, false);
	}
	lck_mtx_unlock(iosvc_notify_mtx);
	for (unsigned int i = 0; existing != NULL && i < OSArray_getCount(existing); i++) {
		IOService *s = (IOService *)OSArray_getObject(existing, i);

		if (!IOService_isInactive(s)) {
			iosvc_invoke(s, n);
		}
	}
	OSSafeReleaseNULL(existing);
	return (IONotifier *)n;
}

OSIterator *
IOService_getMatchingServices(OSDictionary *matching)
{
	OSArray *a;
	OSIterator *it;

	if (matching == NULL || iosvc_notify_mtx == NULL ||
	    (a = iosvc_existing(matching, kIOServiceMatchedState, false)) == NULL) {
		return NULL;
	}
	it = (OSIterator *)OSCollectionIterator_withCollection((OSCollection *)a);
	OSObject_release(a);
	return it;
}

IOService *
IOService_copyMatchingService(OSDictionary *matching)
{
	OSArray *a;
	IOService *s = NULL;

	if (matching == NULL || iosvc_notify_mtx == NULL ||
	    (a = iosvc_existing(matching, kIOServiceMatchedState, true)) == NULL) {
		return NULL;
	}
	if (OSArray_getCount(a) != 0) {
		s = (IOService *)OSArray_getObject(a, 0);
		OSObject_retain(s);
	}
	OSObject_release(a);
	return s;
}

IOService *
IOService_waitForMatchingService(OSDictionary *matching, uint64_t timeout)
{
	uint64_t deadline = 0;
	IOService *s = NULL;

	if (matching == NULL || iosvc_notify_mtx == NULL) {
		return NULL;
	}
	if (timeout != 0 && timeout != UINT64_MAX) {
		nanoseconds_to_deadline(timeout, &deadline);
	}
	for (;;) {
		uint32_t gen;
		wait_result_t wr;

		lck_mtx_lock(iosvc_notify_mtx);
		gen = iosvc_match_gen;
		lck_mtx_unlock(iosvc_notify_mtx);
		if ((s = IOService_copyMatchingService(matching)) != NULL) {
			break;
		}
		lck_mtx_lock(iosvc_notify_mtx);
		wr = THREAD_AWAKENED;
		while (gen == iosvc_match_gen && !iosvc_notify_down && wr != THREAD_TIMED_OUT) {
			wr = deadline ? lck_mtx_sleep_deadline(iosvc_notify_mtx, LCK_SLEEP_DEFAULT,
			                                       &iosvc_match_gen, THREAD_UNINT, deadline)
			              : lck_mtx_sleep(iosvc_notify_mtx, LCK_SLEEP_DEFAULT, &iosvc_match_gen,
			                              THREAD_UNINT);
		}
		lck_mtx_unlock(iosvc_notify_mtx);
		if (wr == THREAD_TIMED_OUT || iosvc_notify_down) {
			s = IOService_copyMatchingService(matching);
			break;
		}
	}
	return s;
}

/* Something a waiter may be waiting for happened (a resource, shutdown). */
void
iosvc_notify_kick(bool shutdown)
{
	if (iosvc_notify_mtx == NULL) {
		return;
	}
	lck_mtx_lock(iosvc_notify_mtx);
	if (shutdown) {
		iosvc_notify_down = true;
	}
	iosvc_match_gen++;
	thread_wakeup(&iosvc_match_gen);
	lck_mtx_unlock(iosvc_notify_mtx);
}

/* ---- matching dictionaries ----------------------------------------------------------- */

static OSDictionary *
iosvc_matching_with(const OSSymbol *key, OSObject *value, OSDictionary *table)
{
	if (value == NULL) {
		return NULL;
	}
	if (table == NULL) {
		if ((table = OSDictionary_withCapacity(2)) == NULL) {
			return NULL;
		}
	} else {
		OSObject_retain(table);
	}
	if (!OSDictionary_setObject(table, key, value)) {
		OSObject_release(table);
		return NULL;
	}
	return table;
}

static OSDictionary *
iosvc_matching_cstring(const OSSymbol *key, const char *str, OSDictionary *table)
{
	OSString *s = str ? OSString_withCString(str) : NULL;
	OSDictionary *d = iosvc_matching_with(key, OSObj(s), table);

	OSSafeReleaseNULL(s);
	return d;
}

OSDictionary *
IOService_serviceMatching(const char *className, OSDictionary *table)
{
	return iosvc_matching_cstring(gIOProviderClassKey, className, table);
}

OSDictionary *
IOService_nameMatching(const char *name, OSDictionary *table)
{
	return iosvc_matching_cstring(gIONameMatchKey, name, table);
}

OSDictionary *
IOService_resourceMatching(const char *name, OSDictionary *table)
{
	OSDictionary *d = IOService_serviceMatching(kIOResourcesClass, table);
	OSDictionary *r;

	if (d == NULL) {
		return NULL;
	}
	r = iosvc_matching_cstring(gIOResourceMatchKey, name, d);
	OSObject_release(d);
	return r;
}

OSDictionary *
IOService_propertyMatching(const OSSymbol *key, const OSObject *value, OSDictionary *table)
{
	OSDictionary *inner, *d;

	if (key == NULL || value == NULL || (inner = OSDictionary_withCapacity(1)) == NULL) {
		return NULL;
	}
	if (!OSDictionary_setObject(inner, key, (OSObject *)value)) {
		OSObject_release(inner);
		return NULL;
	}
	d = iosvc_matching_with(gIOPropertyMatchKey, OSObj(inner), table);
	OSObject_release(inner);
	return d;
}

OSDictionary *
IOService_registryEntryIDMatching(uint64_t entryID, OSDictionary *table)
{
	OSNumber *n = OSNumber_withNumber(entryID, 64);
	OSDictionary *d = iosvc_matching_with(gIORegistryEntryIDKey, OSObj(n), table);

	OSSafeReleaseNULL(n);
	return d;
}

int
iosvc_notify_init(void)
{
	iosvc_notify_mtx = lck_mtx_alloc_init(ioreg_lck_grp, LCK_ATTR_NULL);
	iosvc_notifications = OSDictionary_withCapacity(8);
	return (iosvc_notify_mtx && iosvc_notifications) ? 0 : ENOMEM;
}
