/*
 * IOServiceInterest.c — interest notifications: registerInterest(type,
 * handler) on a service, and the messages that reach those handlers —
 * everything messageClients sends (kIOGeneralInterest), and
 * kIOMessageServiceIsTerminated when the service is terminated.
 *
 * kexthost delivers kIOGeneralInterest only; registerInterest with another
 * type (XNU also has busy and power interests) returns NULL.
 *
 * The notifiers of every service sit on one list under one mutex: few
 * clients register interest, and a message is a short scan. A notifier
 * holds its service (retained) until removed, as a user's notification
 * object keeps the service's handle alive. Handlers run with no lock held;
 * remove() waits for calls in flight on other threads (a handler may
 * remove its own notifier), like the matching notifiers of IOServiceNotify.c.
 */
#include <IOKit/IOLib.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <sys/errno.h>
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOUserNotification.h"
#include "iokit/Kernel/IOServicePMPrivate.h"

OSDeclareDefaultStructors(_IOServiceInterestNotifier, IONotifier);
struct _IOServiceInterestNotifier {
	IONotifier super;
	_IOServiceInterestNotifier *next; /* on ioint.list while registered */
	IOService *owner;                 /* retained until removed */
	const OSSymbol *type;             /* NULL once removed */
	IOServiceInterestHandler handler;
	void *target;
	void *ref;
	bool enabled;
	uint32_t inflight;
};

static struct {
	lck_grp_t *grp;
	lck_mtx_t *lock;
	_IOServiceInterestNotifier *list;
} ioint;
static __thread _IOServiceInterestNotifier *ioint_invoking;

/* Made on first use (registerInterest); two first callers race with a compare-and-swap. */
static int
ioint_init(void)
{
	lck_grp_t *grp;
	lck_mtx_t *m, *none = NULL;

	if (__atomic_load_n(&ioint.lock, __ATOMIC_ACQUIRE) != NULL)
		return 0;
	grp = lck_grp_alloc_init("IOServiceInterest", LCK_GRP_ATTR_NULL);
	m = grp != NULL ? lck_mtx_alloc_init(grp, LCK_ATTR_NULL) : NULL;
	if (m == NULL) {
		if (grp != NULL)
			lck_grp_free(grp);
		return ENOMEM;
	}
	if (__atomic_compare_exchange_n(&ioint.lock, &none, m, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		ioint.grp = grp;
	} else {
		lck_mtx_free(m, grp);
		lck_grp_free(grp);
	}
	return 0;
}

static void
_IOServiceInterestNotifier_removeImpl(IONotifier *n)
{
	_IOServiceInterestNotifier *self = (_IOServiceInterestNotifier *)n;
	IOService *owner = NULL;

	lck_mtx_lock(ioint.lock);
	if (self->type != NULL) {
		for (_IOServiceInterestNotifier **l = &ioint.list; *l != NULL; l = &(*l)->next) {
			if (*l == self) {
				*l = self->next;
				break;
			}
		}
		self->type = NULL;
		self->enabled = false;
		owner = self->owner;
		self->owner = NULL;
	}
	while (self->inflight > (ioint_invoking == self ? 1u : 0u))
		(void)lck_mtx_sleep(ioint.lock, LCK_SLEEP_DEFAULT, &self->inflight, THREAD_UNINT);
	lck_mtx_unlock(ioint.lock);
	OSSafeReleaseNULL(owner);
	OSObject_release(self); /* the caller's reference, from registerInterest */
}

static bool
_IOServiceInterestNotifier_disableImpl(IONotifier *n)
{
	_IOServiceInterestNotifier *self = (_IOServiceInterestNotifier *)n;
	bool was;

	lck_mtx_lock(ioint.lock);
	was = self->enabled;
	self->enabled = false;
	lck_mtx_unlock(ioint.lock);
	return was;
}

static void
_IOServiceInterestNotifier_enableImpl(IONotifier *n, bool was)
{
	_IOServiceInterestNotifier *self = (_IOServiceInterestNotifier *)n;

	lck_mtx_lock(ioint.lock);
	self->enabled = was && self->type != NULL;
	lck_mtx_unlock(ioint.lock);
}

static const OSMethod _IOServiceInterestNotifier_methods[] = {
        OSMethodOverride(IONotifier, remove, _IOServiceInterestNotifier_removeImpl),
        OSMethodOverride(IONotifier, disable, _IOServiceInterestNotifier_disableImpl),
        OSMethodOverride(IONotifier, enable, _IOServiceInterestNotifier_enableImpl),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(_IOServiceInterestNotifier, IONotifier, _IOServiceInterestNotifier_methods);

IONotifier *(IOService_registerInterest)(IOService *self, const OSSymbol *typeOfInterest,
                                         IOServiceInterestHandler handler, void *target, void *ref)
{
	_IOServiceInterestNotifier *n;

	if (self == NULL || handler == NULL || ioint_init() != 0 ||
	    (typeOfInterest != gIOGeneralInterest &&
	     (typeOfInterest == NULL || (typeOfInterest != gIOAppPowerStateInterest &&
	                                 typeOfInterest != gIOPriorityPowerStateInterest))))
		return NULL;
	if ((n = OSTypeAlloc(_IOServiceInterestNotifier)) == NULL || !OSObject_init(n)) {
		OSSafeReleaseNULL(n);
		return NULL;
	}
	OSObject_retain(self);
	n->owner = self;
	n->type = typeOfInterest;
	n->handler = handler;
	n->target = target;
	n->ref = ref;
	n->enabled = true;
	lck_mtx_lock(ioint.lock);
	n->next = ioint.list;
	ioint.list = n;
	lck_mtx_unlock(ioint.lock);
	return (IONotifier *)n;
}

unsigned int
iosvc_interest_apply(IOService *service, const OSSymbol *type, iosvc_interest_applier fn, void *ctx)
{
	_IOServiceInterestNotifier **calls = NULL, *saved;
	unsigned int n = 0, cap = 0, called = 0;

	if (__atomic_load_n(&ioint.lock, __ATOMIC_ACQUIRE) == NULL)
		return 0; /* nobody ever registered interest */
	/*
	 * Take the notifiers to call, each marked in flight so that remove()
	 * waits for its call; sized first, the list may change in between.
	 */
	lck_mtx_lock(ioint.lock);
	for (_IOServiceInterestNotifier *i = ioint.list; i != NULL; i = i->next)
		cap += i->owner == service && i->type == type;
	lck_mtx_unlock(ioint.lock);
	if (cap == 0 || (calls = kalloc(cap * sizeof(*calls))) == NULL)
		return 0;
	lck_mtx_lock(ioint.lock);
	/* The list is newest first; call in registration order. */
	for (_IOServiceInterestNotifier *i = ioint.list; i != NULL && n < cap; i = i->next) {
		if (i->owner == service && i->type == type && i->enabled) {
			i->inflight++;
			calls[n++] = i;
		}
	}
	lck_mtx_unlock(ioint.lock);
	for (unsigned int k = n; k-- > 0;) {
		_IOServiceInterestNotifier *i = calls[k];
		bool enabled;

		lck_mtx_lock(ioint.lock);
		enabled = i->enabled; /* disabled or removed since it was taken: skip it */
		lck_mtx_unlock(ioint.lock);
		if (enabled) {
			saved = ioint_invoking;
			ioint_invoking = i;
			fn(ctx, called++, i->handler, i->target, i->ref);
			ioint_invoking = saved;
		}
		lck_mtx_lock(ioint.lock);
		i->inflight--;
		lck_mtx_unlock(ioint.lock);
		thread_wakeup(&i->inflight);
	}
	kfree(calls, cap * sizeof(*calls));
	return called;
}

struct ioint_msg {
	IOService *service;
	UInt32 messageType;
	void *argument;
	vm_size_t argSize;
};

static void
ioint_message_one(void *ctx, unsigned int index, IOServiceInterestHandler handler, void *target, void *ref)
{
	struct ioint_msg *m = ctx;

	(void)handler(target, ref, m->messageType, m->service, m->argument, m->argSize);
}

void
iosvc_interest_message(IOService *service, const OSSymbol *type, UInt32 messageType, void *argument,
                       vm_size_t argSize)
{
	struct ioint_msg m = {service, messageType, argument, argSize};

	(void)iosvc_interest_apply(service, type, ioint_message_one, &m);
}

unsigned int
iosvc_interest_count(IOService *service)
{
	unsigned int n = 0;

	if (__atomic_load_n(&ioint.lock, __ATOMIC_ACQUIRE) == NULL)
		return 0;
	lck_mtx_lock(ioint.lock);
	for (_IOServiceInterestNotifier *i = ioint.list; i != NULL; i = i->next)
		n += service == NULL || i->owner == service;
	lck_mtx_unlock(ioint.lock);
	return n;
}
