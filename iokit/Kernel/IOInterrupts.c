/*
 * IOInterrupts.c — kexthost's virtual interrupt controller (see
 * IOKit/IOInterrupts.h for the model).
 *
 * State: a hash table of nubs, each with an array of line pointers (lines
 * never move, so the array can grow while the interrupt thread holds a
 * line), all under one mutex, iointr_lock. A raised line that is registered
 * and enabled goes on a FIFO of lines to deliver; the interrupt thread pops
 * a line, takes one pending interrupt from it, marks it active and calls the
 * handler with the lock dropped. A line with more pending interrupts goes
 * back to the tail, so a busy line cannot starve the others. disable,
 * unregister and nubFree wait for an active handler to return (unless they
 * run on the interrupt thread itself, i.e. from a handler).
 *
 * Everything is created on first use, so no boot step is needed.
 */
#include <IOKit/IOInterrupts.h>
#include <IOKit/IOService.h>
#include <IOKit/IOLib.h>
#include <kern/debug.h>
#include <kern/clock.h>
#include <kern/locks.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include "bsd/kern/kdebug_internal.h"

struct iointr_line {
	IOInterruptAction handler;
	OSObject *target;
	void *refCon;
	struct iointr_line *qnext; /* delivery FIFO link */
	IOService *nub;
	int source;
	uint32_t pending; /* edge: raises not yet delivered; level: 0 or 1 */
	uint8_t type;
	uint8_t registered;
	uint8_t enabled;
	uint8_t queued;
	uint8_t active;  /* the handler runs now */
	uint8_t waiters; /* someone sleeps on &line->active */
};

struct iointr_nub {
	struct iointr_nub *next;
	IOService *nub;
	int count;
	struct iointr_line **lines;
};

#define IOINTR_HASH_SIZE 256u

static lck_grp_t *iointr_grp;
static lck_mtx_t *iointr_lock;
static struct iointr_nub *iointr_hash[IOINTR_HASH_SIZE];
static struct iointr_line *iointr_qhead, *iointr_qtail;
static uint32_t iointr_sleeping; /* the interrupt thread waits on &iointr_qhead */
static thread_t iointr_thread;
static uint32_t iointr_state; /* 0: not started, 1: starting, 2: running */

boolean_t
ml_at_interrupt_context(void)
{
	thread_t t = __atomic_load_n(&iointr_thread, __ATOMIC_RELAXED);

	return t != NULL && t == current_thread();
}

static inline unsigned
iointr_hash_of(const IOService *nub)
{
	uintptr_t v = (uintptr_t)nub;

	v ^= v >> 17;
	v *= 0x9e3779b97f4a7c15ull;
	return (unsigned)(v >> 56) & (IOINTR_HASH_SIZE - 1);
}

static struct iointr_nub *
iointr_find(const IOService *nub)
{
	struct iointr_nub *n;

	lck_mtx_assert(iointr_lock, LCK_MTX_ASSERT_OWNED);
	for (n = iointr_hash[iointr_hash_of(nub)]; n != NULL; n = n->next) {
		if (n->nub == nub) {
			return n;
		}
	}
	return NULL;
}

/* The line, or NULL when the nub has no such source. Lock held. */
static struct iointr_line *
iointr_line_of(const IOService *nub, int source)
{
	struct iointr_nub *n;

	if (nub == NULL || source < 0) {
		return NULL;
	}
	n = iointr_find(nub);
	if (n == NULL || source >= n->count) {
		return NULL;
	}
	return n->lines[source];
}

static void
iointr_enqueue(struct iointr_line *line)
{
	lck_mtx_assert(iointr_lock, LCK_MTX_ASSERT_OWNED);
	line->queued = 1;
	line->qnext = NULL;
	if (iointr_qtail != NULL) {
		iointr_qtail->qnext = line;
	} else {
		iointr_qhead = line;
	}
	iointr_qtail = line;
}

static void
iointr_dequeue(struct iointr_line *line)
{
	struct iointr_line **pp, *prev = NULL;

	lck_mtx_assert(iointr_lock, LCK_MTX_ASSERT_OWNED);
	if (!line->queued) {
		return;
	}
	for (pp = &iointr_qhead; *pp != NULL; prev = *pp, pp = &(*pp)->qnext) {
		if (*pp == line) {
			*pp = line->qnext;
			if (iointr_qtail == line) {
				iointr_qtail = prev;
			}
			break;
		}
	}
	line->queued = 0;
	line->qnext = NULL;
}

/* Queue the line if it can be delivered; true if the interrupt thread must be woken. Lock held. */
static bool
iointr_kick(struct iointr_line *line)
{
	if (line->pending == 0 || !line->registered || !line->enabled || line->queued) {
		return false;
	}
	iointr_enqueue(line);
	return iointr_sleeping != 0;
}

static void
iointr_wake_thread(void)
{
	thread_wakeup_one((event_t)&iointr_qhead);
}

/* Wait until no handler runs on the line (not from the interrupt thread). Lock held; may drop it. */
static void
iointr_wait_idle(struct iointr_line *line)
{
	if (ml_at_interrupt_context()) {
		return;
	}
	while (line->active) {
		line->waiters = 1;
		(void)lck_mtx_sleep(iointr_lock, LCK_SLEEP_DEFAULT, (event_t)&line->active, THREAD_UNINT);
	}
}

static void
iointr_thread_main(void *param, wait_result_t wr)
{
	struct iointr_line *line;
	IOInterruptAction handler;
	OSObject *target;
	void *refCon;
	IOService *nub;
	int source;

	(void)param;
	(void)wr;
	__atomic_store_n(&iointr_thread, current_thread(), __ATOMIC_RELEASE);
	lck_mtx_lock(iointr_lock);
	for (;;) {
		while ((line = iointr_qhead) == NULL) {
			iointr_sleeping = 1;
			(void)lck_mtx_sleep(iointr_lock, LCK_SLEEP_DEFAULT, (event_t)&iointr_qhead,
			                    THREAD_UNINT);
			iointr_sleeping = 0;
		}
		iointr_qhead = line->qnext;
		if (iointr_qhead == NULL) {
			iointr_qtail = NULL;
		}
		line->queued = 0;
		line->qnext = NULL;
		if (line->pending == 0 || !line->registered || !line->enabled) {
			continue;
		}
		line->pending--;
		line->active = 1;
		handler = line->handler;
		target = line->target;
		refCon = line->refCon;
		nub = line->nub;
		source = line->source;
		lck_mtx_unlock(iointr_lock);

		KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOINTC, IOINTC_HANDLER) | DBG_FUNC_START,
		                      IORegistryEntry_getRegistryEntryID(nub), source, 0, 0, 0);
		handler(target, refCon, nub, source);
		KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOINTC, IOINTC_HANDLER) | DBG_FUNC_END, 0, 0, 0, 0, 0);

		lck_mtx_lock(iointr_lock);
		line->active = 0;
		if (line->waiters) {
			line->waiters = 0;
			thread_wakeup((event_t)&line->active);
		}
		(void)iointr_kick(line); /* more pending: back to the tail */
	}
}

static void
iointr_start(void)
{
	uint32_t expected = 0;
	thread_t thread;
	kern_return_t kr;

	if (__builtin_expect(__atomic_load_n(&iointr_state, __ATOMIC_ACQUIRE) == 2, 1)) {
		return;
	}
	if (!__atomic_compare_exchange_n(&iointr_state, &expected, 1, false, __ATOMIC_ACQ_REL,
	                                 __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&iointr_state, __ATOMIC_ACQUIRE) != 2) {
			delay(10);
		}
		return;
	}
	iointr_grp = lck_grp_alloc_init("IOInterrupts", LCK_GRP_ATTR_NULL);
	iointr_lock = iointr_grp ? lck_mtx_alloc_init(iointr_grp, LCK_ATTR_NULL) : NULL;
	if (iointr_lock == NULL) {
		panic("IOInterrupts: cannot allocate the controller lock");
	}
	kr = kernel_thread_start(iointr_thread_main, NULL, &thread);
	if (kr != KERN_SUCCESS) {
		panic("IOInterrupts: cannot start the interrupt thread (%d)", kr);
	}
	thread_set_thread_name(thread, "IOInterrupt");
	thread_deallocate(thread);
	__atomic_store_n(&iointr_state, 2, __ATOMIC_RELEASE);
}

/* Lock the controller; false (nothing locked) if it was never started: no nub has lines. */
static bool
iointr_lock_if_started(void)
{
	if (__atomic_load_n(&iointr_state, __ATOMIC_ACQUIRE) != 2) {
		return false;
	}
	lck_mtx_lock(iointr_lock);
	return true;
}

/* ---- the device-model side ---- */

IOReturn
IOInterrupts_setSourceCount(IOService *nub, int count, int type)
{
	struct iointr_nub *n, *fresh = NULL;
	struct iointr_line **lines = NULL, **old = NULL;
	int oldCount = 0, i;
	IOReturn ret = kIOReturnSuccess;

	if (nub == NULL || count < 0 || count > 4096 ||
	    (type != kIOInterruptTypeEdge && type != kIOInterruptTypeLevel)) {
		return kIOReturnBadArgument;
	}
	iointr_start();
	/* Allocate outside the lock; the count only grows, so a racing grow just wins or loses. */
	lines = count ? IOMallocZero((vm_size_t)count * sizeof(*lines)) : NULL;
	fresh = IOMallocZero(sizeof(*fresh));
	if ((count && lines == NULL) || fresh == NULL) {
		ret = kIOReturnNoMemory;
		goto out;
	}
	for (i = 0; i < count; i++) {
		lines[i] = IOMallocZero(sizeof(*lines[i]));
		if (lines[i] == NULL) {
			ret = kIOReturnNoMemory;
			goto out;
		}
		lines[i]->nub = nub;
		lines[i]->source = i;
		lines[i]->type = (uint8_t)type;
	}
	lck_mtx_lock(iointr_lock);
	n = iointr_find(nub);
	if (n == NULL) {
		n = fresh;
		fresh = NULL;
		n->nub = nub;
		n->next = iointr_hash[iointr_hash_of(nub)];
		iointr_hash[iointr_hash_of(nub)] = n;
	}
	if (count > n->count) {
		/* Keep the existing lines (handlers may be registered on them). */
		for (i = 0; i < n->count; i++) {
			IOFree(lines[i], sizeof(*lines[i]));
			lines[i] = n->lines[i];
		}
		old = n->lines;
		oldCount = n->count;
		n->lines = lines;
		n->count = count;
		lines = NULL;
		count = 0;
	}
	lck_mtx_unlock(iointr_lock);
	IOFree(old, (vm_size_t)oldCount * sizeof(*old));
out:
	if (lines != NULL) {
		for (i = 0; i < count; i++) {
			IOFree(lines[i], sizeof(*lines[i]));
		}
		IOFree(lines, (vm_size_t)count * sizeof(*lines));
	}
	IOFree(fresh, sizeof(*fresh));
	return ret;
}

void
IOInterrupts_nubFree(IOService *nub)
{
	struct iointr_nub **pp, *n = NULL;
	int i;

	if (nub == NULL || !iointr_lock_if_started()) {
		return;
	}
	for (pp = &iointr_hash[iointr_hash_of(nub)]; *pp != NULL; pp = &(*pp)->next) {
		if ((*pp)->nub == nub) {
			n = *pp;
			*pp = n->next;
			break;
		}
	}
	if (n != NULL) {
		for (i = 0; i < n->count; i++) {
			n->lines[i]->registered = 0;
			n->lines[i]->enabled = 0;
			iointr_dequeue(n->lines[i]);
			iointr_wait_idle(n->lines[i]);
		}
	}
	lck_mtx_unlock(iointr_lock);
	if (n == NULL) {
		return;
	}
	for (i = 0; i < n->count; i++) {
		IOFree(n->lines[i], sizeof(*n->lines[i]));
	}
	IOFree(n->lines, (vm_size_t)n->count * sizeof(*n->lines));
	IOFree(n, sizeof(*n));
}

/* ---- the driver side ---- */

IOReturn
IOService_registerInterrupt(IOService *nub, int source, OSObject *target, IOInterruptAction handler,
                            void *refCon)
{
	struct iointr_line *line;
	IOReturn ret = kIOReturnSuccess;

	if (handler == NULL) {
		return kIOReturnBadArgument;
	}
	if (!iointr_lock_if_started()) {
		return kIOReturnNoInterrupt;
	}
	line = iointr_line_of(nub, source);
	if (line == NULL) {
		ret = kIOReturnNoInterrupt;
	} else if (line->registered) {
		ret = kIOReturnNoResources; /* kexthost has no shared interrupt controllers */
	} else {
		iointr_wait_idle(line); /* a handler of a previous registration may still be returning */
		line->handler = handler;
		line->target = target;
		line->refCon = refCon;
		line->enabled = 0; /* a new registration starts disabled */
		line->registered = 1;
	}
	lck_mtx_unlock(iointr_lock);
	return ret;
}

IOReturn
IOService_unregisterInterrupt(IOService *nub, int source)
{
	struct iointr_line *line;
	IOReturn ret = kIOReturnSuccess;

	if (!iointr_lock_if_started()) {
		return kIOReturnNoInterrupt;
	}
	line = iointr_line_of(nub, source);
	if (line == NULL) {
		ret = kIOReturnNoInterrupt;
	} else if (line->registered) {
		line->enabled = 0;
		line->registered = 0;
		iointr_dequeue(line);
		iointr_wait_idle(line);
		line->handler = NULL;
		line->target = NULL;
		line->refCon = NULL;
	}
	lck_mtx_unlock(iointr_lock);
	return ret;
}

IOReturn
IOService_getInterruptType(IOService *nub, int source, int *interruptType)
{
	struct iointr_line *line;
	IOReturn ret = kIOReturnSuccess;

	if (interruptType == NULL) {
		return kIOReturnBadArgument;
	}
	if (!iointr_lock_if_started()) {
		return kIOReturnNoInterrupt;
	}
	line = iointr_line_of(nub, source);
	if (line == NULL) {
		ret = kIOReturnNoInterrupt;
	} else {
		*interruptType = line->type;
	}
	lck_mtx_unlock(iointr_lock);
	return ret;
}

IOReturn
IOService_enableInterrupt(IOService *nub, int source)
{
	struct iointr_line *line;
	IOReturn ret = kIOReturnSuccess;
	bool wake = false;

	if (!iointr_lock_if_started()) {
		return kIOReturnNoInterrupt;
	}
	line = iointr_line_of(nub, source);
	if (line == NULL) {
		ret = kIOReturnNoInterrupt;
	} else {
		line->enabled = 1;
		wake = iointr_kick(line); /* deliver what was raised while disabled */
	}
	lck_mtx_unlock(iointr_lock);
	if (wake) {
		iointr_wake_thread();
	}
	return ret;
}

IOReturn
IOService_disableInterrupt(IOService *nub, int source)
{
	struct iointr_line *line;
	IOReturn ret = kIOReturnSuccess;

	if (!iointr_lock_if_started()) {
		return kIOReturnNoInterrupt;
	}
	line = iointr_line_of(nub, source);
	if (line == NULL) {
		ret = kIOReturnNoInterrupt;
	} else {
		line->enabled = 0;
		iointr_wait_idle(line);
	}
	lck_mtx_unlock(iointr_lock);
	return ret;
}

IOReturn
IOService_causeInterrupt(IOService *nub, int source)
{
	struct iointr_line *line;
	IOReturn ret = kIOReturnSuccess;
	bool wake = false;

	if (!iointr_lock_if_started()) {
		return kIOReturnNoInterrupt;
	}
	line = iointr_line_of(nub, source);
	if (line == NULL) {
		ret = kIOReturnNoInterrupt;
	} else {
		if (line->type == kIOInterruptTypeLevel) {
			line->pending = 1;
		} else if (line->pending != UINT32_MAX) {
			line->pending++;
		}
		wake = iointr_kick(line);
	}
	lck_mtx_unlock(iointr_lock);
	if (wake) {
		iointr_wake_thread();
	}
	return ret;
}
