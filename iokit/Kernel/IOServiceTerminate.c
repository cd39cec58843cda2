/*
 * IOServiceTerminate.c — terminate(): taking a service and the clients that
 * depend only on it out of the registry, in XNU's phases and on XNU's lists.
 *
 * Phase 1 (terminatePhase1, the caller's thread): the victim is marked
 * inactive and busy and gets the terminated notification; each client is
 * asked requestTerminate(victim) (by default: yes when the victim is its
 * only provider) and those that agree become victims too, breadth first.
 * The victim is then put on the phase-2 list.
 *
 * Phase 2 (terminateWorker, on the termination thread, or on the caller's
 * thread with kIOServiceSynchronous): once a victim is not matching, it
 * gets the will-terminate notification and each of its clients
 * willTerminate(victim), root to leaf; then, leaf to root, the victim's
 * clients hear kIOMessageServiceIsTerminated (messageClients) and get
 * didTerminate(victim). didTerminate's default schedules the client's stop
 * when it does not hold the victim open, else sends it
 * kIOMessageServiceIsRequestingClose; a client that keeps the victim open
 * is stopped only when it calls close() (IOService.c) — the terminate stall.
 *
 * Phase 3 (the same worker): victims without clients are finalized; a
 * scheduled stop runs (stop, close, detach) once the client is finalized;
 * a detach that leaves a terminated provider without clients schedules the
 * provider's finalize (IOService.c). A victim stops being busy when it has
 * no provider left, which is what kIOServiceSynchronous and waitQuiet wait
 * for. Each driver call runs inside the work loop gate of the service it
 * is about (_workLoopAction), as in XNU.
 *
 * Lists and the work count are guarded by ioterm_mtx (gJobsLock); only one
 * thread at a time runs the worker (ioterm_owner, gIOTerminateThread).
 */
#include <IOKit/IOLib.h>
#include <IOKit/IOWorkLoop.h>
#include <kern/clock.h>
#include <kern/thread.h>
#include <libkern/libkern.h>
#include <sys/errno.h>
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOKitDebugPrivate.h"
#include "iokit/Kernel/IOUserNotification.h"

#define IOTERM_SYNC_TIMEOUT_S 15 /* XNU's bound on a synchronous terminate */

/* kIOLogYield: XNU's termination trace lines, each prefixed with the thread id. */
#define TLOG(fmt, ...)                                                                               \
	IOKITDEBUG_LOG(kIOLogYield, "[%llx] " fmt, (unsigned long long)thread_tid(current_thread()), \
	               __VA_ARGS__)

static lck_mtx_t *ioterm_mtx;
static OSArray *ioterm_phase2_list, *ioterm_stop_list, *ioterm_stop_provider_list, *ioterm_finalize_list;
static uint32_t ioterm_work;  /* gIOTerminateWork */
static thread_t ioterm_owner; /* the thread running the worker, if any */
static bool ioterm_running;   /* the termination thread is alive */
static bool ioterm_stopping;  /* shutdown: the thread exits when idle */
static uint32_t ioterm_sync_timeout_s = IOTERM_SYNC_TIMEOUT_S;

/* ---- running driver code in the service's gate ----------------------------------- */

typedef void (*ioterm_action_t)(IOService *service, void *a0, void *a1);

static IOReturn
ioterm_gated(OSObject *target, void *fn, void *a0, void *a1, void *unused)
{
	((ioterm_action_t)fn)((IOService *)target, a0, a1);
	return kIOReturnSuccess;
}

static void
ioterm_wl_action(ioterm_action_t fn, IOService *service, void *a0, void *a1)
{
	IOWorkLoop *wl = IOService_getWorkLoop(service);

	if (wl != NULL) {
		OSObject_retain(wl);
		(void)IOWorkLoop_runAction(wl, ioterm_gated, OSObj(service), (void *)fn, a0, a1, NULL);
		OSObject_release(wl);
	} else {
		fn(service, a0, a1);
	}
}

/* ---- scheduling (ioterm_mtx) ------------------------------------------------------ */

/* Count one unit of work; the first wakes the termination thread. */
static void
ioterm_add_work_locked(void)
{
	if (ioterm_work++ == 0) {
		thread_wakeup(&ioterm_work);
	}
}

void
iosvc_schedule_stop(IOService *client, IOService *provider)
{
	if (ioterm_mtx == NULL) {
		return;
	}
	lck_mtx_lock(ioterm_mtx);
	(void)OSArray_setObject(ioterm_stop_list, client);
	(void)OSArray_setObject(ioterm_stop_provider_list, provider);
	ioterm_add_work_locked();
	lck_mtx_unlock(ioterm_mtx);
}

void
iosvc_schedule_finalize(IOService *service)
{
	if (ioterm_mtx == NULL) {
		return;
	}
	lck_mtx_lock(ioterm_mtx);
	(void)OSArray_setObject(ioterm_finalize_list, service);
	ioterm_add_work_locked();
	lck_mtx_unlock(ioterm_mtx);
}

/* ---- the worker's actions (each runs in the service's gate) ----------------------- */

static void
ioterm_action_will(IOService *victim, void *options, void *doList)
{
	OSArray *kids = IORegistryEntry_copyChildren(IORegEntry_(victim), gIOServicePlane);

	for (unsigned int i = 0; kids != NULL && i < OSArray_getCount(kids); i++) {
		IOService *c = OSDynamicCast(IOService, OSArray_getObject(kids, i));

		if (c != NULL) {
			TLOG("%s::willTerminate(%s, %08llx)\n", IORegistryEntry_getName(c, NULL),
			     IORegistryEntry_getName(victim, NULL), (unsigned long long)(uintptr_t)options);
			(void)IOService_willTerminate(c, victim, (IOOptionBits)(uintptr_t)options);
			(void)OSArray_setObject((OSArray *)doList, c);
		}
	}
	OSSafeReleaseNULL(kids);
}

static void
ioterm_action_did(IOService *victim, void *options, void *unused)
{
	OSArray *kids;

	(void)IOService_messageClients(victim, kIOMessageServiceIsTerminated, options, 0);
	kids = IORegistryEntry_copyChildren(IORegEntry_(victim), gIOServicePlane);
	for (unsigned int i = 0; kids != NULL && i < OSArray_getCount(kids); i++) {
		IOService *c = OSDynamicCast(IOService, OSArray_getObject(kids, i));
		bool defer = false;

		if (c != NULL) {
			TLOG("%s::didTerminate(%s, %08llx)\n", IORegistryEntry_getName(c, NULL),
			     IORegistryEntry_getName(victim, NULL), (unsigned long long)(uintptr_t)options);
			(void)IOService_didTerminate(c, victim, (IOOptionBits)(uintptr_t)options, &defer);
		}
	}
	OSSafeReleaseNULL(kids);
}

static void
ioterm_action_finalize(IOService *victim, void *options, void *unused)
{
	TLOG("%s::finalize(%08llx)\n", IORegistryEntry_getName(victim, NULL),
	     (unsigned long long)(uintptr_t)options);
	(void)IOService_finalize(victim, (IOOptionBits)(uintptr_t)options);
	iosvc_term_release_busy(victim);
}

static void
ioterm_action_stop(IOService *provider, void *client_, void *unused)
{
	IOService *client = client_;
	bool started;

	iosvc_lock();
	started = (client->__state[1] & kIOServiceStartedState) != 0;
	__atomic_and_fetch(&client->__state[1], ~kIOServiceStartedState, __ATOMIC_RELEASE);
	iosvc_unlock();
	if (started) {
		TLOG("%s::stop(%s)\n", IORegistryEntry_getName(client, NULL),
		     IORegistryEntry_getName(provider, NULL));
		IOService_stop(client, provider);
	}
	/* Power management ends with the driver's stop: no PM callout reaches a stopped driver. */
	IOService_PMstop(client);
	if (IOService_isOpen(provider, client)) {
		IOService_close(provider, client, 0);
	}
	TLOG("%s::detach(%s)\n", IORegistryEntry_getName(client, NULL),
	     IORegistryEntry_getName(provider, NULL));
	IOService_detach(client, provider);
}

/* ---- phase 2 ---------------------------------------------------------------------- */

/* May victim go through phase 2 now? Marks it so when it may. A client still starting defers it
 * (its start's end schedules phase 2 again). */
static bool
ioterm_begin_phase2(IOService *victim)
{
	OSArray *kids = IORegistryEntry_copyChildren(IORegEntry_(victim), gIOServicePlane);
	bool ok;

	iosvc_lock();
	for (unsigned int i = 0; kids != NULL && i < OSArray_getCount(kids); i++) {
		IOService *c = OSDynamicCast(IOService, OSArray_getObject(kids, i));

		if (c != NULL && (c->__state[1] & kIOServiceStartState)) {
			iosvc_unlock();
			OSObject_release(kids);
			return false;
		}
	}
	ok = (victim->__state[0] & kIOServiceInactiveState) &&
	     !(victim->__state[1] & (kIOServiceTermPhase1State | kIOServiceTermPhase2State |
	                             kIOServiceConfigRunning | kIOServiceNeedConfigState));
	if (ok) {
		__atomic_or_fetch(&victim->__state[1], kIOServiceTermPhase2State, __ATOMIC_RELEASE);
	}
	iosvc_unlock();
	OSSafeReleaseNULL(kids);
	return ok;
}

static void
ioterm_phase2(IOService *victim, IOOptionBits options, OSArray *doList, OSArray *didList)
{
	while (victim != NULL) {
		if (ioterm_begin_phase2(victim)) {
			iosvc_deliver_notification(victim, gIOWillTerminateNotification, 0, 0xffffffff);
			ioterm_wl_action(ioterm_action_will, victim, (void *)(uintptr_t)options, doList);
			(void)OSArray_setObjectAtIndex(didList, 0, victim); /* leaves first */
		}
		OSObject_release(victim);
		victim = (IOService *)OSArray_getObject(doList, 0);
		if (victim != NULL) {
			OSObject_retain(victim);
			OSArray_removeObject(doList, 0);
		}
	}
	while ((victim = (IOService *)OSArray_getObject(didList, 0)) != NULL) {
		bool finalize;

		iosvc_lock();
		__atomic_or_fetch(&victim->__state[1], kIOServiceTermPhase3State, __ATOMIC_RELEASE);
		iosvc_unlock();
		finalize = IOService_getClient(victim) == NULL;
		ioterm_wl_action(ioterm_action_did, victim, (void *)(uintptr_t)options, NULL);
		if (finalize) {
			iosvc_schedule_finalize(victim);
		}
		OSArray_removeObject(didList, 0);
	}
}

/* ---- phase 3 (ioterm_mtx held; dropped around driver calls) ----------------------- */

static void
ioterm_finalize_leaves(IOOptionBits options, OSArray *freeList)
{
	IOService *victim;

	while ((victim = (IOService *)OSArray_getObject(ioterm_finalize_list, 0)) != NULL) {
		bool send;

		OSObject_retain(victim);
		lck_mtx_unlock(ioterm_mtx);
		iosvc_lock();
		send = !(victim->__state[1] & kIOServiceFinalized);
		__atomic_or_fetch(&victim->__state[1], kIOServiceFinalized, __ATOMIC_RELEASE);
		iosvc_unlock();
		if (send) {
			ioterm_wl_action(ioterm_action_finalize, victim, (void *)(uintptr_t)options, NULL);
		}
		lck_mtx_lock(ioterm_mtx);
		(void)OSArray_setObject(freeList, victim); /* hold off the free until the pass ends */
		OSObject_release(victim);
		OSArray_removeObject(ioterm_finalize_list, 0); /* append only: still the first */
	}
}

/* One scheduled stop that can run now, run; false when none can. */
static bool
ioterm_run_one_stop(OSArray *freeList)
{
	IOService *client, *provider;

	for (unsigned int idx = 0; (client = (IOService *)OSArray_getObject(ioterm_stop_list, idx)) != NULL;
	     idx++) {
		bool ran = false;

		provider = (IOService *)OSArray_getObject(ioterm_stop_provider_list, idx);
		if (IORegistryEntry_isParent(IORegEntry_(client), IORegEntry_(provider), gIOServicePlane)) {
			bool defer;

			/* A terminated client stops only once it is finalized (its own clients gone). */
			iosvc_lock();
			defer = (client->__state[0] & kIOServiceInactiveState) &&
			        !(client->__state[1] & kIOServiceFinalized);
			iosvc_unlock();
			if (defer) {
				continue;
			}
			OSObject_retain(client);
			OSObject_retain(provider);
			lck_mtx_unlock(ioterm_mtx);
			ioterm_wl_action(ioterm_action_stop, provider, client, NULL);
			lck_mtx_lock(ioterm_mtx);
			OSObject_release(client);
			OSObject_release(provider);
			ran = true;
			/* The lists may have grown meanwhile (append only): idx still names this pair. */
		}
		(void)OSArray_setObject(freeList, client);
		(void)OSArray_setObject(freeList, provider);
		OSArray_removeObject(ioterm_stop_list, idx);
		OSArray_removeObject(ioterm_stop_provider_list, idx);
		if (ran) {
			return true;
		}
		idx--; /* a no-op stop (already detached) was removed: look at the same index again */
	}
	return false;
}

/* terminateWorker: called and returns with ioterm_mtx held. */
static void
ioterm_worker(IOOptionBits options)
{
	OSArray *doList = OSArray_withCapacity(16), *didList = OSArray_withCapacity(16);
	OSArray *freeList = OSArray_withCapacity(16);
	bool more;

	options |= kIOServiceRequired;
	if (doList == NULL || didList == NULL || freeList == NULL) {
		goto out;
	}
	do {
		uint32_t done = ioterm_work;
		IOService *victim;

		while ((victim = (IOService *)OSArray_getObject(ioterm_phase2_list, 0)) != NULL) {
			OSObject_retain(victim);
			OSArray_removeObject(ioterm_phase2_list, 0);
			lck_mtx_unlock(ioterm_mtx);
			ioterm_phase2(victim, options, doList, didList); /* consumes the reference */
			lck_mtx_lock(ioterm_mtx);
		}
		do {
			ioterm_finalize_leaves(options, freeList);
		} while (ioterm_run_one_stop(freeList));
		ioterm_work -= done;
		more = ioterm_work != 0;
	} while (more);
out:
	lck_mtx_unlock(ioterm_mtx);
	OSSafeReleaseNULL(freeList);
	OSSafeReleaseNULL(doList);
	OSSafeReleaseNULL(didList);
	lck_mtx_lock(ioterm_mtx);
	if (freeList == NULL || doList == NULL || didList == NULL) {
		IOSleep(1); /* out of memory: let the next round try again, without spinning */
	}
}

static void
ioterm_become_owner_locked(void)
{
	while (ioterm_owner != THREAD_NULL) {
		(void)lck_mtx_sleep(ioterm_mtx, LCK_SLEEP_DEFAULT, &ioterm_owner, THREAD_UNINT);
	}
	ioterm_owner = current_thread();
}

static void
ioterm_leave_owner_locked(void)
{
	ioterm_owner = THREAD_NULL;
	thread_wakeup(&ioterm_owner);
}

/* The termination thread (XNU's terminateThread): runs the worker whenever there is work. */
static void
ioterm_thread(void *arg, wait_result_t wr)
{
	lck_mtx_lock(ioterm_mtx);
	for (;;) {
		if (ioterm_work == 0) {
			if (ioterm_stopping) {
				break;
			}
			(void)lck_mtx_sleep(ioterm_mtx, LCK_SLEEP_DEFAULT, &ioterm_work, THREAD_UNINT);
			continue;
		}
		ioterm_become_owner_locked();
		while (ioterm_work != 0) {
			ioterm_worker(0);
		}
		ioterm_leave_owner_locked();
	}
	ioterm_running = false;
	thread_wakeup(&ioterm_running);
	lck_mtx_unlock(ioterm_mtx);
}

/* ---- scheduleTerminatePhase2 ------------------------------------------------------ */

static bool
ioterm_busy(IOService *s)
{
	return __atomic_load_n(&s->__busy, __ATOMIC_ACQUIRE) != 0;
}

/* kIOServiceSynchronous: run the worker here until self is no longer busy (or the bound passes). */
static void
ioterm_phase2_sync_locked(IOService *self, IOOptionBits options)
{
	uint64_t deadline, now;
	bool wait, timedOut = false;

	nanoseconds_to_deadline((uint64_t)ioterm_sync_timeout_s * NSEC_PER_SEC, &deadline);
	ioterm_become_owner_locked();
	(void)OSArray_setObject(ioterm_phase2_list, self);
	ioterm_work++;
	do {
		uint64_t left = 1;

		while (ioterm_work != 0) {
			ioterm_worker(options);
		}
		wait = ioterm_busy(self);
		if (!wait) {
			break;
		}
		/*
		 * Let the termination thread work while this one waits for self's
		 * busy count to reach 0: busy counts change under iosvc_lock, whose
		 * quiet event waitQuiet sleeps on, not under ioterm_mtx.
		 */
		ioterm_leave_owner_locked();
		lck_mtx_unlock(ioterm_mtx);
		clock_get_uptime(&now);
		if (now < deadline) {
			absolutetime_to_nanoseconds(deadline - now, &left);
		}
		(void)IOService_waitQuiet(self, left != 0 ? left : 1);
		lck_mtx_lock(ioterm_mtx);
		clock_get_uptime(&now);
		if (now >= deadline && ioterm_busy(self)) {
			timedOut = true;
			IOLog("%s[0x%llx]::terminate(kIOServiceSynchronous): THREAD_TIMED_OUT. "
			      "Attempting to auto-resolve your deadlock. PLEASE FIX!\n",
			      IORegistryEntry_getName(self, NULL),
			      (unsigned long long)IORegistryEntry_getRegistryEntryID(self));
		}
		ioterm_become_owner_locked();
	} while (ioterm_work != 0 || (wait && !timedOut));
	ioterm_leave_owner_locked();
}

void
iosvc_schedule_phase2(IOService *self, IOOptionBits options)
{
	bool go;

	iosvc_lock();
	go = (self->__state[0] & kIOServiceInactiveState) && !(self->__state[1] & kIOServiceTermPhase1State);
	iosvc_unlock();
	if (!go || ioterm_mtx == NULL) {
		return;
	}
	OSObject_retain(self);
	options |= kIOServiceRequired;
	lck_mtx_lock(ioterm_mtx);
	if ((options & kIOServiceSynchronous) && current_thread() != ioterm_owner) {
		ioterm_phase2_sync_locked(self, options);
	} else {
		(void)OSArray_setObject(ioterm_phase2_list, self);
		ioterm_add_work_locked();
	}
	lck_mtx_unlock(ioterm_mtx);
	OSObject_release(self);
}

/* ---- phase 1 ---------------------------------------------------------------------- */

/* Mark victim inactive (or claim a client marked by requestTerminate's compat path). */
static bool
ioterm_mark_inactive(IOService *victim, IOService *self, IOOptionBits options)
{
	const uint32_t rp1 = kIOServiceRecursing | kIOServiceTermPhase1State;
	bool did;

	iosvc_lock();
	did = (victim->__state[1] & rp1) == rp1 || !(victim->__state[0] & kIOServiceInactiveState);
	if (did) {
		victim->__state[0] |= kIOServiceInactiveState;
		victim->__state[0] &= ~(kIOServiceRegisteredState | kIOServiceMatchedState |
		                        kIOServiceFirstPublishState | kIOServiceFirstMatchState);
		__atomic_and_fetch(&victim->__state[1], ~kIOServiceRecursing, __ATOMIC_RELEASE);
		__atomic_or_fetch(&victim->__state[1], kIOServiceTermPhase1State, __ATOMIC_RELEASE);
		if (!(victim->__state[1] & kIOServiceTermBusyState)) {
			__atomic_or_fetch(&victim->__state[1], kIOServiceTermBusyState, __ATOMIC_RELEASE);
			(void)iosvc_adjust_busy_locked(victim, 1);
		}
	} else {
		/* Another thread's phase 1 has it: wait for that to finish (a multiply attached service). */
		while (victim->__state[1] & kIOServiceTermPhase1State) {
			__atomic_or_fetch(&victim->__state[1], kIOServiceTerm1WaiterState, __ATOMIC_RELEASE);
			(void)iosvc_sleep_locked(&victim->__state[1]);
		}
	}
	iosvc_unlock();
	return did;
}

static void
ioterm_end_phase1(OSArray *marked)
{
	for (unsigned int i = 0; i < OSArray_getCount(marked); i++) {
		IOService *v = (IOService *)OSArray_getObject(marked, i);
		bool wake;

		iosvc_lock();
		__atomic_and_fetch(&v->__state[1], ~kIOServiceTermPhase1State, __ATOMIC_RELEASE);
		wake = (v->__state[1] & kIOServiceTerm1WaiterState) != 0;
		__atomic_and_fetch(&v->__state[1], ~kIOServiceTerm1WaiterState, __ATOMIC_RELEASE);
		iosvc_unlock();
		if (wake) {
			thread_wakeup(&v->__state[1]);
		}
	}
}

/* Ask each client of victim whether it goes too; those that agree join makeInactive. */
static void
ioterm_request_clients(IOService *victim, IOOptionBits options, OSArray *makeInactive)
{
	OSArray *kids = IORegistryEntry_copyChildren(IORegEntry_(victim), gIOServicePlane);

	for (unsigned int k = 0; kids != NULL && k < OSArray_getCount(kids); k++) {
		IOService *c = OSDynamicCast(IOService, OSArray_getObject(kids, k));

		if (c == NULL) {
			continue;
		}
		TLOG("%s::requestTerminate(%s, %08llx)\n", IORegistryEntry_getName(c, NULL),
		     IORegistryEntry_getName(victim, NULL), (unsigned long long)options);
		if (IOService_requestTerminate(c, victim, options)) {
			(void)OSArray_setObject(makeInactive, c);
		}
	}
	OSSafeReleaseNULL(kids);
}

bool
iosvc_terminate(IOService *self, IOOptionBits options)
{
	OSArray *makeInactive, *marked;
	bool startPhase2 = false;

	if (options & kIOServiceRecursing) {
		/* requestTerminate's compat path: mark only; the caller's phase 1 does the rest. */
		iosvc_lock();
		if (!(self->__state[0] & kIOServiceInactiveState)) {
			self->__state[0] |= kIOServiceInactiveState;
			__atomic_or_fetch(&self->__state[1], kIOServiceRecursing | kIOServiceTermPhase1State,
			                  __ATOMIC_RELEASE);
		}
		iosvc_unlock();
		return true;
	}
	makeInactive = OSArray_withCapacity(16);
	marked = OSArray_withCapacity(16);
	if (makeInactive == NULL || marked == NULL) {
		OSSafeReleaseNULL(makeInactive);
		OSSafeReleaseNULL(marked);
		return false;
	}
	(void)OSArray_setObject(makeInactive, self);
	while (OSArray_getCount(makeInactive) != 0) {
		IOService *victim = (IOService *)OSArray_getObject(makeInactive, 0);
		bool did;

		OSObject_retain(victim);
		OSArray_removeObject(makeInactive, 0);
		did = ioterm_mark_inactive(victim, self, options);
		if (victim == self) {
			startPhase2 = did;
		}
		if (did) {
			(void)OSArray_setObject(marked, victim);
			iosvc_deliver_notification(victim, gIOTerminatedNotification, 0, 0xffffffff);
			ioterm_request_clients(victim, options, makeInactive);
		}
		OSObject_release(victim);
	}
	ioterm_end_phase1(marked);
	OSObject_release(makeInactive);
	OSObject_release(marked);
	if (startPhase2) {
		iosvc_schedule_phase2(self, options);
	}
	return true;
}

bool(IOService_terminate)(IOService *self, IOOptionBits options)
{
	if (self == NULL || self == gIOServiceRoot) {
		return false;
	}
	return iosvc_terminate(self, options | kIOServiceTerminate);
}

/* ---- boot and shutdown ------------------------------------------------------------ */

int
ioterm_start(void)
{
	thread_t th;

	if (ioterm_mtx == NULL) { /* once: a restarted I/O Kit keeps the (empty) lists */
		ioterm_mtx = lck_mtx_alloc_init(ioreg_lck_grp, LCK_ATTR_NULL);
		ioterm_phase2_list = OSArray_withCapacity(16);
		ioterm_stop_list = OSArray_withCapacity(16);
		ioterm_stop_provider_list = OSArray_withCapacity(16);
		ioterm_finalize_list = OSArray_withCapacity(16);
	}
	ioterm_stopping = false;
	if (ioterm_mtx == NULL || ioterm_phase2_list == NULL || ioterm_stop_list == NULL ||
	    ioterm_stop_provider_list == NULL || ioterm_finalize_list == NULL) {
		return ENOMEM;
	}
	ioterm_running = true;
	if (kernel_thread_start(ioterm_thread, NULL, &th) != KERN_SUCCESS) {
		ioterm_running = false;
		return ENOMEM;
	}
	thread_set_thread_name(th, "IOServiceTerminateThread");
	thread_deallocate(th);
	return 0;
}

void
ioterm_stop(void)
{
	if (ioterm_mtx == NULL) {
		return;
	}
	lck_mtx_lock(ioterm_mtx);
	ioterm_stopping = true;
	thread_wakeup(&ioterm_work);
	while (ioterm_running) {
		(void)lck_mtx_sleep(ioterm_mtx, LCK_SLEEP_DEFAULT, &ioterm_running, THREAD_UNINT);
	}
	lck_mtx_unlock(ioterm_mtx);
}

uint32_t
ioterm_set_sync_timeout(uint32_t seconds)
{
	uint32_t old = ioterm_sync_timeout_s;

	ioterm_sync_timeout_s = seconds != 0 ? seconds : IOTERM_SYNC_TIMEOUT_S;
	return old;
}
