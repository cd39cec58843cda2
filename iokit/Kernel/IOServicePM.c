/*
 * IOServicePM.c — IOService power management: a driver's power states, the
 * power plane, and the changes PM carries out on one PM thread.
 *
 * Each power-managed service has a record (struct iopm, in __reserved[0])
 * with its states and three desires, as XNU's power clients:
 *
 *   DriverPowerState    changePowerStateTo (the driver's own wish)
 *   DevicePowerState    changePowerStateToPriv, makeUsable, activityTickle, the idle timer
 *   ChildrenPowerState  what its power children need of it (the lowest state whose
 *                       outputPowerCharacter covers each child's inputPowerRequirement)
 *
 * The chosen state is the highest desire, clamped to the highest state whose
 * inputPowerRequirement the power parent's current outputPowerCharacter
 * covers. The power plane links parent and child through an
 * IOPowerConnection, as XNU's (ioreg -p IOPower shows them).
 *
 * Requests only record desires and queue the service; the PM thread takes
 * services off the queue in order and changes their state. A change to a
 * lower state first lowers the children the new output no longer supplies
 * (leaf first), then calls the driver; a rise calls the driver first, then
 * raises the children (root first). Around the driver's setPowerState the
 * interested drivers get powerStateWillChangeTo / powerStateDidChangeTo.
 * A callout answers kIOPMAckImplied or a delay in microseconds; PM then
 * waits for the ack that long (plus iopm_ack_grace_ms), logs a tardy one
 * as XNU does ("... timed out after N ms") and carries on.
 *
 * The first change after registerPowerDriver (once in the power plane) is
 * XNU's initial power change: current starts at 0 and the change goes to
 * the highest state the power parent supplies, even to 0; setPowerState
 * is skipped when that state carries kIOPMInitialDeviceState (the device
 * is in it already). Later changes follow the desires.
 *
 * With kIOLogPower in gIOKitDebug (io=0x80) each step writes XNU's PMLog
 * line (event numbers in IOKit/pwr_mgt/IOPMlog.h).
 */
#include <IOKit/IOLib.h>
#include <IOKit/IOMessage.h>
#include <IOKit/pwr_mgt/IOPMlog.h>
#include <kern/clock.h>
#include <kern/kalloc.h>
#include <kern/thread.h>
#include <kern/thread_call.h>
#include <libkern/libkern.h>
#include <string.h>
#include <sys/errno.h>
#include <sys/kdebug.h>
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOKitDebugPrivate.h"
#include "iokit/Kernel/IOServicePMPrivate.h"

struct iopm_informee {
	struct iopm_informee *next;
	IOService *driver; /* retained */
	bool acked;
};

struct iopm {
	IOService *owner;
	IOService *driver; /* the controlling driver (not retained: usually owner) */
	IOPMPowerState *states;
	unsigned long nstates;
	unsigned long current, driverDesire, deviceDesire, childDesire;
	unsigned long parentRequest; /* the parent's state this service needs */
	IOPMPowerFlags parentFlags;  /* what the power parent supplies now */
	IOService *parent;           /* power parent (not retained: the plane holds it) */
	IORegistryEntry *connection; /* our IOPowerConnection (retained) */
	bool joined, isRoot, stopped, queued, driverAcked;
	bool initialChange;        /* the initial power change has not started (XNU's fInitialPowerChange) */
	bool initialSetPowerState; /* nor called the driver (fInitialSetPowerState) */
	struct iopm *qnext;
	struct iopm_informee *informees;
	thread_call_t idleCall;
	unsigned long idlePeriod; /* s */
	bool active, idleArmed;
	uint64_t tickles;
};

#define IOPM_OF(s) ((struct iopm *)(s)->__reserved[0])

struct iopm_job {
	IOReturn (*fn)(void *);
	void *arg;
	IOReturn result;
	bool done;
	struct iopm_job *next;
};

static struct {
	lck_grp_t *grp;
	lck_mtx_t *lock;
	struct iopm *head, *tail;
	struct iopm_job *jobs;
	thread_t thread;
	bool busy, stop, exited;
	void *callee; /* the object PM is calling out to (PMstop waits for it) */
} iopm;

IOService *gIOPMRootDomain;
const OSSymbol *gIOAppPowerStateInterest, *gIOPriorityPowerStateInterest;
uint32_t iopm_ack_grace_ms = 0;
uint32_t iopm_tardy_acks;

OSDeclareDefaultStructors(IOPowerConnection, IOService);
struct IOPowerConnection {
	IOService super;
};
OSDefineMetaClassAndStructors(IOPowerConnection, IOService, NULL);

static void iopm_publish(IOService *s);

/* XNU's PMLog line (IOPlatformExpert::PMLog), with kIOLogPower only. */
/*
 * One PM event: a PMLog line with io=0x80 (kIOLogPower), and, as XNU's pmTrace does, a kdebug
 * event IOKDBG_CODE(DBG_IOPOWER, event) carrying the service's registry ID and the two
 * arguments (a negative event, a call's return, is the END of -event); one predictable branch
 * each when both are off.
 */
#define IOPM_LOG(s, event, a, b)                                                                       \
	do {                                                                                           \
		if (__improbable((gIOKitDebug & (SInt64)kIOLogPower) != 0))                            \
			iopm_log_event((s), (int)(event), (unsigned long)(a), (unsigned long)(b));     \
		KERNEL_DEBUG_CONSTANT((int)(event) < 0                                                 \
		                              ? IOKDBG_CODE(DBG_IOPOWER, -(int)(event)) | DBG_FUNC_END \
		                              : IOKDBG_CODE(DBG_IOPOWER, (event)) | DBG_FUNC_NONE,     \
		                      (s) != NULL ? IORegistryEntry_getRegistryEntryID(s) : 0,         \
		                      (uintptr_t)(a), (uintptr_t)(b), 0, 0);                           \
	} while (0)

static void
iopm_log_event(IOService *s, int event, unsigned long a, unsigned long b)
{
	clock_sec_t secs;
	clock_usec_t us;

	clock_get_system_microtime(&secs, &us);
	us += (clock_usec_t)((secs % 1000) * 1000000);
	IOKITDEBUG_LOG(kIOLogPower, "pm%u %p %.30s %d %lx %lx\n", us, current_thread(),
	               s != NULL ? IORegistryEntry_getName(s, NULL) : "?", event, a, b);
}

/* ---- queue and thread ------------------------------------------------------------ */

bool
iopm_on_pm_thread(void)
{
	return iopm.thread != NULL && current_thread() == iopm.thread;
}

static void
iopm_enqueue_locked(struct iopm *pm)
{
	lck_mtx_assert(iopm.lock, LCK_MTX_ASSERT_OWNED);
	if (pm->queued || pm->stopped || iopm.stop)
		return;
	pm->queued = true;
	pm->qnext = NULL;
	OSObject_retain(pm->owner); /* the queue's reference, dropped by the PM thread */
	if (iopm.tail != NULL)
		iopm.tail->qnext = pm;
	else
		iopm.head = pm;
	iopm.tail = pm;
	thread_wakeup(&iopm.head);
}

static unsigned long
iopm_max_for_flags(const struct iopm *pm, IOPMPowerFlags supplied)
{
	unsigned long best = 0;

	for (unsigned long i = 0; i < pm->nstates; i++) {
		IOPMPowerFlags need = pm->states[i].inputPowerRequirement;

		if ((need & supplied) == need)
			best = i;
	}
	return best;
}

/* The parent state whose output covers what our state `want` needs (the lowest such). */
static unsigned long
iopm_parent_state_for(const struct iopm *parent, IOPMPowerFlags need)
{
	if (need == 0 || parent->nstates == 0)
		return 0;
	for (unsigned long i = 0; i < parent->nstates; i++) {
		if ((parent->states[i].outputPowerCharacter & need) == need)
			return i;
	}
	return parent->nstates - 1;
}

static unsigned long
iopm_unclamped_locked(const struct iopm *pm)
{
	unsigned long d = pm->driverDesire > pm->deviceDesire ? pm->driverDesire : pm->deviceDesire;

	if (!pm->isRoot && pm->childDesire > d)
		d = pm->childDesire;
	return d >= pm->nstates ? pm->nstates - 1 : d;
}

static unsigned long
iopm_desired_locked(const struct iopm *pm)
{
	unsigned long d, max;

	if (pm->nstates == 0 || pm->stopped || !pm->joined)
		return pm->current;
	d = iopm_unclamped_locked(pm);
	max = pm->isRoot ? pm->nstates - 1 : iopm_max_for_flags(pm, pm->parentFlags);
	return d < max ? d : max;
}

/* Recompute parent's ChildrenPowerState from its children's requests; queue it when it changed. */
static void
iopm_update_child_desire_locked(struct iopm *parent, OSArray *conns)
{
	unsigned long want = 0;

	for (unsigned int i = 0; conns != NULL && i < OSArray_getCount(conns); i++) {
		IORegistryEntry *c = OSDynamicCast(IORegistryEntry, OSArray_getObject(conns, i));
		IOService *child = c ? (IOService *)IORegistryEntry_getChildEntry(c, gIOPowerPlane) : NULL;
		struct iopm *cpm = child ? IOPM_OF(child) : NULL;

		if (cpm != NULL && !cpm->stopped && cpm->nstates != 0 && cpm->parentRequest > want)
			want = cpm->parentRequest;
	}
	if (want != parent->childDesire) {
		parent->childDesire = want;
		iopm_enqueue_locked(parent);
	}
}

static void
iopm_refresh_parent(struct iopm *pm)
{
	IOService *parent;
	OSArray *conns;

	lck_mtx_lock(iopm.lock);
	parent = pm->parent;
	if (parent != NULL)
		OSObject_retain(parent);
	lck_mtx_unlock(iopm.lock);
	if (parent == NULL)
		return;
	conns = IORegistryEntry_copyChildren(IORegEntry_(parent), gIOPowerPlane);
	lck_mtx_lock(iopm.lock);
	if (IOPM_OF(parent) != NULL)
		iopm_update_child_desire_locked(IOPM_OF(parent), conns);
	lck_mtx_unlock(iopm.lock);
	OSSafeReleaseNULL(conns);
	OSObject_release(parent);
}

/* ---- callouts ---------------------------------------------------------------------- */

/* Wait (PM lock held) until *acked or `us` microseconds (+ grace) pass; false on timeout. */
static bool
iopm_wait_ack_locked(bool *acked, unsigned long us, uint64_t *waitedNs)
{
	uint64_t start = mach_absolute_time(), deadline, now, ns;

	nanoseconds_to_absolutetime((uint64_t)us * 1000 + (uint64_t)iopm_ack_grace_ms * 1000000, &deadline);
	deadline += start;
	while (!*acked) {
		if (lck_mtx_sleep_deadline(iopm.lock, LCK_SLEEP_DEFAULT, acked, THREAD_UNINT, deadline) ==
		            THREAD_TIMED_OUT &&
		    !*acked)
			break;
	}
	now = mach_absolute_time();
	absolutetime_to_nanoseconds(now - start, &ns);
	*waitedNs = ns;
	return *acked;
}

static void
iopm_set_callee(void *obj)
{
	lck_mtx_lock(iopm.lock);
	iopm.callee = obj;
	lck_mtx_unlock(iopm.lock);
	if (obj == NULL)
		thread_wakeup(&iopm.callee);
}

static void
iopm_tell_informees(IOService *s, struct iopm *pm, bool will, unsigned long from, unsigned long to)
{
	IOPMPowerFlags caps = pm->states[to].capabilityFlags;
	struct iopm_informee **list = NULL;
	unsigned int n = 0, cap = 0;
	int ev = will ? kPMLogInformDriverPreChange : kPMLogInformDriverPostChange;

	lck_mtx_lock(iopm.lock);
	for (struct iopm_informee *i = pm->informees; i != NULL; i = i->next)
		cap++;
	if (cap != 0 && (list = kalloc(cap * sizeof(*list))) != NULL) {
		for (struct iopm_informee *i = pm->informees; i != NULL; i = i->next) {
			OSObject_retain(i->driver);
			i->acked = false;
			list[n++] = i;
		}
	}
	lck_mtx_unlock(iopm.lock);
	for (unsigned int k = 0; k < n; k++) {
		IOService *d = list[k]->driver;
		IOReturn r;
		uint64_t ns;

		iopm_set_callee(d);
		IOPM_LOG(s, ev, (uintptr_t)s, to);
		r = will ? IOService_powerStateWillChangeTo(d, caps, to, s)
		         : IOService_powerStateDidChangeTo(d, caps, to, s);
		IOPM_LOG(s, -ev, (uintptr_t)s, (unsigned int)r);
		iopm_set_callee(NULL);
		if (r != kIOPMAckImplied && (int)r > 0) {
			lck_mtx_lock(iopm.lock);
			if (!iopm_wait_ack_locked(&list[k]->acked, (unsigned long)r, &ns)) {
				iopm_tardy_acks++;
				IOPM_LOG(s, kPMLogIntDriverTardy, 0, 0);
				printf("%s::powerState%sChangeTo(%p, %s, %lu -> %lu) timed out after %llu "
				       "ms\n",
				       IORegistryEntry_getName(d, NULL), will ? "Will" : "Did", d,
				       IORegistryEntry_getName(s, NULL), from, to,
				       (unsigned long long)(ns / 1000000));
			}
			lck_mtx_unlock(iopm.lock);
		}
	}
	/* The entries stay valid: deRegisterInterestedDriver frees them only off the PM thread's change. */
	for (unsigned int k = 0; k < n; k++)
		OSObject_release(list[k]->driver);
	if (list != NULL)
		kfree(list, cap * sizeof(*list));
}

/*
 * One state change of s: will-informees, setPowerState (and its ack), current, did-informees.
 * The initial change skips setPowerState when its state has kIOPMInitialDeviceState (XNU's
 * notifyControllingDriver).
 */
static void
iopm_do_change(IOService *s, struct iopm *pm, unsigned long from, unsigned long to)
{
	IOService *driver = pm->driver;
	IOReturn r = kIOPMAckImplied;
	uint64_t ns;
	bool call = driver != NULL;

	iopm_tell_informees(s, pm, true, from, to);
	lck_mtx_lock(iopm.lock);
	if (pm->initialSetPowerState) {
		pm->initialSetPowerState = false;
		if (pm->states[to].capabilityFlags & kIOPMInitialDeviceState)
			call = false;
	}
	pm->driverAcked = false;
	iopm.callee = call ? driver : NULL;
	lck_mtx_unlock(iopm.lock);
	if (call) {
		IOPM_LOG(s, kPMLogProgramHardware, (uintptr_t)s, to);
		r = IOService_setPowerState(driver, to, s);
		IOPM_LOG(s, -kPMLogProgramHardware, (uintptr_t)s, (unsigned int)r);
		if ((int)r < 0)
			printf("%s::setPowerState(%p, %lu -> %lu) returned 0x%x\n",
			       IORegistryEntry_getName(s, NULL), s, from, to, r);
	}
	iopm_set_callee(NULL);
	lck_mtx_lock(iopm.lock);
	if (r != kIOPMAckImplied && (int)r > 0 &&
	    !iopm_wait_ack_locked(&pm->driverAcked, (unsigned long)r, &ns)) {
		iopm_tardy_acks++;
		IOPM_LOG(s, kPMLogCtrlDriverTardy, 0, 0);
		printf("%s::setPowerState(%p, %lu -> %lu) timed out after %llu ms\n",
		       IORegistryEntry_getName(driver, NULL), s, from, to,
		       (unsigned long long)(ns / 1000000));
	}
	pm->driverAcked = true; /* a late ack finds nothing to wake */
	pm->current = to;
	lck_mtx_unlock(iopm.lock);
	IOPM_LOG(s, kPMLogChangeDone, to, from);
	iopm_tell_informees(s, pm, false, from, to);
	iopm_publish(s);
}

/* ---- carrying out a change --------------------------------------------------------- */

static void iopm_change_to(IOService *s, unsigned long target, bool parentInitiated);

/* Give each power child the parent's new output and move it to its new desired state. */
static void
iopm_walk_children(IOService *s, IOPMPowerFlags out, bool lowerOnly)
{
	OSArray *conns = IORegistryEntry_copyChildren(IORegEntry_(s), gIOPowerPlane);

	for (unsigned int i = 0; conns != NULL && i < OSArray_getCount(conns); i++) {
		IORegistryEntry *c = OSDynamicCast(IORegistryEntry, OSArray_getObject(conns, i));
		IOService *child = c ? (IOService *)IORegistryEntry_getChildEntry(c, gIOPowerPlane) : NULL;
		struct iopm *cpm;
		unsigned long t = 0, cur = 0;
		bool go = false;

		if (child == NULL)
			continue;
		OSObject_retain(child);
		lck_mtx_lock(iopm.lock);
		/* A child whose initial change is still queued takes the new output then (as XNU). */
		if ((cpm = IOPM_OF(child)) != NULL && !cpm->stopped) {
			cpm->parentFlags = out;
			t = iopm_desired_locked(cpm);
			cur = cpm->current;
			go = !cpm->initialChange && (lowerOnly ? t < cur : t != cur);
		}
		lck_mtx_unlock(iopm.lock);
		if (go)
			iopm_change_to(child, t, true);
		OSObject_release(child);
	}
	OSSafeReleaseNULL(conns);
}

static void
iopm_change_to(IOService *s, unsigned long target, bool parentInitiated)
{
	struct iopm *pm = IOPM_OF(s);
	unsigned long cur;
	IOPMPowerFlags out;

	lck_mtx_lock(iopm.lock);
	cur = pm->current;
	/* A redundant change is dropped, except the initial one (XNU's OurChangeStart). */
	if (pm->stopped || target >= pm->nstates || (target == cur && !pm->initialChange)) {
		lck_mtx_unlock(iopm.lock);
		return;
	}
	pm->initialChange = false;
	out = pm->states[target].outputPowerCharacter;
	lck_mtx_unlock(iopm.lock);
	IOPM_LOG(s, parentInitiated ? kPMLogStartParentChange : kPMLogStartDeviceChange, target, cur);
	if (target < cur) {
		iopm_walk_children(s, out, true); /* leaf first */
		iopm_do_change(s, pm, cur, target);
	} else {
		iopm_do_change(s, pm, cur, target);
		iopm_walk_children(s, out, false); /* then the children come up */
	}
}

/* The PM thread's work for one queued service. */
static void
iopm_process(IOService *s)
{
	struct iopm *pm = IOPM_OF(s), *ppm;
	unsigned long target, req = 0;
	bool reqChanged = false;

	lck_mtx_lock(iopm.lock);
	if (pm == NULL || pm->stopped || pm->nstates == 0 || !pm->joined) {
		lck_mtx_unlock(iopm.lock);
		return;
	}
	if (pm->parent != NULL && (ppm = IOPM_OF(pm->parent)) != NULL) {
		req = iopm_parent_state_for(ppm, pm->states[iopm_unclamped_locked(pm)].inputPowerRequirement);
		reqChanged = req != pm->parentRequest;
		pm->parentRequest = req;
	}
	target = iopm_desired_locked(pm);
	/* XNU's initialPowerStateForDomainState: the highest state the parent's output allows. */
	if (pm->initialChange)
		target = pm->isRoot ? pm->nstates - 1 : iopm_max_for_flags(pm, pm->parentFlags);
	lck_mtx_unlock(iopm.lock);
	/* Rising: ask the parent first (it raises us when it comes up); lowering: us first. */
	if (reqChanged && req > 0)
		iopm_refresh_parent(pm);
	iopm_change_to(s, target, false);
	if (reqChanged)
		iopm_refresh_parent(pm);
}

void
iopm_change_now(IOService *service, unsigned long state)
{
	struct iopm *pm = IOPM_OF(service);

	lck_mtx_lock(iopm.lock);
	pm->driverDesire = state;
	lck_mtx_unlock(iopm.lock);
	iopm_process(service);
}

static void
iopm_thread(void *arg, wait_result_t wr)
{
	lck_mtx_lock(iopm.lock);
	for (;;) {
		struct iopm_job *job;
		struct iopm *pm;

		if (iopm.stop)
			break;
		if ((job = iopm.jobs) != NULL) {
			iopm.jobs = job->next;
			iopm.busy = true;
			lck_mtx_unlock(iopm.lock);
			job->result = job->fn(job->arg);
			lck_mtx_lock(iopm.lock);
			job->done = true;
			thread_wakeup(job);
			continue;
		}
		if ((pm = iopm.head) != NULL) {
			IOService *s = pm->owner;

			iopm.head = pm->qnext;
			if (iopm.head == NULL)
				iopm.tail = NULL;
			pm->queued = false;
			iopm.busy = true;
			lck_mtx_unlock(iopm.lock);
			iopm_process(s);
			OSObject_release(s); /* the queue's reference */
			lck_mtx_lock(iopm.lock);
			continue;
		}
		iopm.busy = false;
		thread_wakeup(&iopm.busy);
		(void)lck_mtx_sleep(iopm.lock, LCK_SLEEP_DEFAULT, &iopm.head, THREAD_UNINT);
	}
	iopm.exited = true;
	thread_wakeup(&iopm.exited);
	lck_mtx_unlock(iopm.lock);
}

IOReturn
iopm_run_job(IOReturn (*fn)(void *arg), void *arg)
{
	struct iopm_job job = {fn, arg, kIOReturnSuccess, false, NULL};
	struct iopm_job **tail;

	if (iopm.lock == NULL)
		return kIOReturnNotReady;
	if (iopm_on_pm_thread())
		return fn(arg);
	lck_mtx_lock(iopm.lock);
	if (iopm.stop) {
		lck_mtx_unlock(iopm.lock);
		return kIOReturnNotReady;
	}
	for (tail = &iopm.jobs; *tail != NULL; tail = &(*tail)->next) {
	}
	*tail = &job;
	thread_wakeup(&iopm.head);
	while (!job.done)
		(void)lck_mtx_sleep(iopm.lock, LCK_SLEEP_DEFAULT, &job, THREAD_UNINT);
	lck_mtx_unlock(iopm.lock);
	return job.result;
}

int
iopm_wait_idle(uint64_t timeout)
{
	uint64_t deadline = 0;
	int err = 0;

	if (timeout != 0)
		nanoseconds_to_deadline(timeout, &deadline);
	lck_mtx_lock(iopm.lock);
	while (iopm.head != NULL || iopm.jobs != NULL || iopm.busy) {
		wait_result_t wr =
		        deadline ? lck_mtx_sleep_deadline(iopm.lock, LCK_SLEEP_DEFAULT, &iopm.busy,
		                                          THREAD_UNINT, deadline)
		                 : lck_mtx_sleep(iopm.lock, LCK_SLEEP_DEFAULT, &iopm.busy, THREAD_UNINT);

		if (wr == THREAD_TIMED_OUT) {
			err = ETIMEDOUT;
			break;
		}
	}
	lck_mtx_unlock(iopm.lock);
	return err;
}

/* ---- the IOPowerManagement property ------------------------------------------------- */

static void
iopm_put(OSDictionary *d, const char *key, unsigned long long v)
{
	OSNumber *n = OSNumber_withNumber(v, 32);

	if (n != NULL) {
		(void)OSDictionary_setObjectCString(d, key, n);
		OSObject_release(n);
	}
}

static void
iopm_publish(IOService *s)
{
	struct iopm *pm = IOPM_OF(s);
	OSDictionary *d = OSDictionary_withCapacity(8);
	unsigned long cur, drv, dev, kids, max, caps, idle;

	if (d == NULL || pm == NULL) {
		OSSafeReleaseNULL(d);
		return;
	}
	lck_mtx_lock(iopm.lock);
	cur = pm->current;
	drv = pm->driverDesire;
	dev = pm->deviceDesire;
	kids = pm->childDesire;
	max = pm->nstates ? pm->nstates - 1 : 0;
	caps = pm->nstates ? pm->states[pm->current].capabilityFlags : 0;
	idle = pm->idlePeriod;
	lck_mtx_unlock(iopm.lock);
	iopm_put(d, kIOPMCurrentPowerStateKey, cur);
	iopm_put(d, kIOPMDevicePowerStateKey, dev);
	iopm_put(d, kIOPMDriverPowerStateKey, drv);
	iopm_put(d, kIOPMChildrenPowerStateKey, kids);
	iopm_put(d, kIOPMMaxPowerStateKey, max);
	iopm_put(d, kIOPMCapabilityFlagsKey, caps);
	if (idle != 0)
		iopm_put(d, kIOPMIdleTimerPeriodKey, idle * 1000);
	(void)IORegistryEntry_setPropertyCString(s, kIOPMPowerManagementKey, d);
	OSObject_release(d);
}

/* ---- the API ------------------------------------------------------------------------ */

void(IOService_PMinit)(IOService *self)
{
	struct iopm *pm;

	if (self == NULL || iopm.lock == NULL || IOPM_OF(self) != NULL)
		return;
	if ((pm = kalloc(sizeof(*pm))) == NULL)
		return;
	memset(pm, 0, sizeof(*pm));
	pm->owner = self;
	pm->initialChange = pm->initialSetPowerState = true;
	lck_mtx_lock(iopm.lock);
	if (IOPM_OF(self) == NULL) {
		self->__reserved[0] = pm;
		pm = NULL;
	}
	lck_mtx_unlock(iopm.lock);
	if (pm != NULL)
		kfree(pm, sizeof(*pm));
}

static IOService *
iopm_find_power_parent(IOService *nub)
{
	for (IOService *p = nub; p != NULL; p = IOService_getProvider(p)) {
		struct iopm *ppm = IOPM_OF(p);

		if (ppm != NULL && ppm->joined && !ppm->stopped && IORegistryEntry_inPlane(p, gIOPowerPlane))
			return p;
	}
	return gIOPMRootDomain;
}

void(IOService_joinPMtree)(IOService *self, IOService *driver)
{
	struct iopm *pm = driver ? IOPM_OF(driver) : NULL, *ppm;
	IOService *parent;
	IOService *conn = NULL;

	if (self == NULL || pm == NULL || pm->joined || gIOPMRootDomain == NULL)
		return;
	parent = iopm_find_power_parent(self);
	if (parent == driver || (ppm = IOPM_OF(parent)) == NULL)
		return;
	conn = (IOService *)OSMetaClass_allocInstance((const OSMetaClass *)&IOPowerConnection_gMetaClass);
	if (conn == NULL || !IORegistryEntry_init(conn, NULL) ||
	    !IORegistryEntry_attachToParent(conn, parent, gIOPowerPlane)) {
		OSSafeReleaseNULL(conn);
		return;
	}
	if (!IORegistryEntry_attachToParent(driver, conn, gIOPowerPlane)) {
		IORegistryEntry_detachFromParent(conn, parent, gIOPowerPlane);
		OSObject_release(conn);
		return;
	}
	lck_mtx_lock(iopm.lock);
	pm->parent = parent;
	pm->connection = IORegEntry_(conn); /* keeps our reference */
	pm->parentFlags = ppm->nstates ? ppm->states[ppm->current].outputPowerCharacter : 0;
	pm->joined = true;
	iopm_enqueue_locked(pm);
	lck_mtx_unlock(iopm.lock);
	IOPM_LOG(parent, kPMLogAddChild, 0, 0);
	IOPM_LOG(driver, kPMLogSetParent, ppm->nstates != 0, pm->parentFlags);
}

IOReturn(IOService_registerPowerDriver)(IOService *self, IOService *controllingDriver,
                                        IOPMPowerState *powerStates, unsigned long numberOfStates)
{
	struct iopm *pm = self ? IOPM_OF(self) : NULL;
	IOPMPowerState *copy;

	if (pm == NULL)
		return IOPMNotYetInitialized;
	if (controllingDriver == NULL || powerStates == NULL || numberOfStates < 2 || numberOfStates > 64) {
		IOPM_LOG(self,
		         numberOfStates > 64 ? kPMLogControllingDriverErr2 : kPMLogControllingDriverErr5,
		         numberOfStates, 0);
		return kIOReturnBadArgument;
	}
	for (unsigned long i = 0; i < numberOfStates; i++) {
		if (powerStates[i].version != kIOPMPowerStateVersion1 &&
		    powerStates[i].version != kIOPMPowerStateVersion2) {
			IOPM_LOG(self, kPMLogControllingDriverErr1, powerStates[i].version, i);
			return kIOReturnBadArgument;
		}
	}
	if ((copy = kalloc(numberOfStates * sizeof(*copy))) == NULL)
		return kIOReturnNoMemory;
	memcpy(copy, powerStates, numberOfStates * sizeof(*copy));
	lck_mtx_lock(iopm.lock);
	if (pm->nstates != 0) {
		lck_mtx_unlock(iopm.lock);
		kfree(copy, numberOfStates * sizeof(*copy));
		return kIOReturnExclusiveAccess; /* one controlling driver */
	}
	pm->states = copy;
	pm->nstates = numberOfStates;
	pm->driver = controllingDriver;
	pm->current = 0; /* XNU's kPowerStateZero until the initial change */
	iopm_enqueue_locked(pm);
	lck_mtx_unlock(iopm.lock);
	IOPM_LOG(self, kPMLogControllingDriver, numberOfStates, powerStates[0].version);
	iopm_publish(self);
	return IOPMNoErr;
}

static IOReturn
iopm_set_desire(IOService *self, unsigned long ordinal, bool device)
{
	struct iopm *pm = self ? IOPM_OF(self) : NULL;

	if (pm == NULL)
		return IOPMNotYetInitialized;
	lck_mtx_lock(iopm.lock);
	if (pm->nstates != 0 && ordinal >= pm->nstates) {
		lck_mtx_unlock(iopm.lock);
		return IOPMParameterError;
	}
	if (device)
		pm->deviceDesire = ordinal;
	else
		pm->driverDesire = ordinal;
	iopm_enqueue_locked(pm);
	lck_mtx_unlock(iopm.lock);
	return IOPMNoErr;
}

IOReturn(IOService_changePowerStateTo)(IOService *self, unsigned long ordinal)
{
	IOPM_LOG(self, kPMLogChangeStateTo, ordinal, 0);
	return iopm_set_desire(self, ordinal, false);
}

IOReturn(IOService_changePowerStateToPriv)(IOService *self, unsigned long ordinal)
{
	IOPM_LOG(self, kPMLogChangeStateToPriv, ordinal, 0);
	return iopm_set_desire(self, ordinal, true);
}

IOReturn(IOService_makeUsable)(IOService *self)
{
	struct iopm *pm = self ? IOPM_OF(self) : NULL;

	if (pm == NULL || pm->nstates == 0)
		return IOPMNotYetInitialized;
	IOPM_LOG(self, kPMLogMakeUsable, 0, 0);
	return iopm_set_desire(self, pm->nstates - 1, true);
}

unsigned long(IOService_getPowerState)(IOService *self)
{
	struct iopm *pm = self ? IOPM_OF(self) : NULL;
	unsigned long cur;

	if (pm == NULL)
		return 0;
	lck_mtx_lock(iopm.lock);
	cur = pm->current;
	lck_mtx_unlock(iopm.lock);
	return cur;
}

IOReturn(IOService_acknowledgeSetPowerState)(IOService *self)
{
	struct iopm *pm = self ? IOPM_OF(self) : NULL;

	if (pm == NULL)
		return IOPMNotYetInitialized;
	IOPM_LOG(self, kPMLogDriverAcknowledgeSet, 0, 0);
	lck_mtx_lock(iopm.lock);
	pm->driverAcked = true;
	lck_mtx_unlock(iopm.lock);
	thread_wakeup(&pm->driverAcked);
	return IOPMNoErr;
}

/* ---- idle timer ---------------------------------------------------------------------- */

static void
iopm_arm_idle_locked(struct iopm *pm)
{
	uint64_t deadline;

	if (pm->idleCall == NULL || pm->idlePeriod == 0 || pm->stopped)
		return;
	clock_interval_to_deadline((uint32_t)pm->idlePeriod, NSEC_PER_SEC, &deadline);
	pm->idleArmed = true;
	(void)thread_call_enter_delayed(pm->idleCall, deadline);
}

static void
iopm_idle_expired(thread_call_param_t p0, thread_call_param_t p1)
{
	IOService *s = p0;
	struct iopm *pm = IOPM_OF(s);

	lck_mtx_lock(iopm.lock);
	pm->idleArmed = false;
	if (pm->stopped || pm->idlePeriod == 0) {
		lck_mtx_unlock(iopm.lock);
		return;
	}
	if (pm->active) {
		pm->active = false;
	} else if (pm->deviceDesire > 0) {
		pm->deviceDesire--; /* one state per quiet period */
		iopm_enqueue_locked(pm);
	}
	if (pm->deviceDesire > 0)
		iopm_arm_idle_locked(pm);
	lck_mtx_unlock(iopm.lock);
}

IOReturn(IOService_setIdleTimerPeriod)(IOService *self, unsigned long period)
{
	struct iopm *pm = self ? IOPM_OF(self) : NULL;
	thread_call_t call = NULL;

	if (pm == NULL)
		return IOPMNotYetInitialized;
	IOPM_LOG(self, kPMLogSetIdleTimerPeriod, period, 0);
	if (pm->idleCall == NULL && period != 0 &&
	    (call = thread_call_allocate(iopm_idle_expired, (thread_call_param_t)self)) == NULL)
		return kIOReturnNoMemory;
	lck_mtx_lock(iopm.lock);
	if (pm->idleCall == NULL)
		pm->idleCall = call, call = NULL;
	pm->idlePeriod = period;
	if (period != 0 && !pm->idleArmed)
		iopm_arm_idle_locked(pm);
	lck_mtx_unlock(iopm.lock);
	if (call != NULL)
		(void)thread_call_free(call);
	if (period == 0 && pm->idleCall != NULL)
		(void)thread_call_cancel_wait(pm->idleCall);
	iopm_publish(self);
	return IOPMNoErr;
}

bool(IOService_activityTickle)(IOService *self, unsigned long type, unsigned long stateNumber)
{
	struct iopm *pm = self ? IOPM_OF(self) : NULL;
	bool there;

	if (pm == NULL || type != kIOPMSuperclassPolicy1)
		return true;
	lck_mtx_lock(iopm.lock);
	pm->active = true;
	pm->tickles++;
	if (pm->nstates != 0 && stateNumber >= pm->nstates)
		stateNumber = pm->nstates - 1;
	there = pm->current >= stateNumber;
	if (pm->deviceDesire < stateNumber) {
		pm->deviceDesire = stateNumber;
		iopm_enqueue_locked(pm);
	}
	if (!pm->idleArmed)
		iopm_arm_idle_locked(pm);
	lck_mtx_unlock(iopm.lock);
	return there;
}

/* ---- interested drivers -------------------------------------------------------------- */

IOPMPowerFlags(IOService_registerInterestedDriver)(IOService *self, IOService *theDriver)
{
	struct iopm *pm = self ? IOPM_OF(self) : NULL;
	struct iopm_informee *i;
	IOPMPowerFlags caps = 0;

	if (pm == NULL || theDriver == NULL || (i = kalloc(sizeof(*i))) == NULL)
		return 0;
	IOPM_LOG(self, kPMLogInterestedDriver, (uintptr_t)theDriver, 0);
	OSObject_retain(theDriver);
	i->driver = theDriver;
	i->acked = true;
	lck_mtx_lock(iopm.lock);
	i->next = pm->informees;
	pm->informees = i;
	if (pm->nstates != 0)
		caps = pm->states[pm->current].capabilityFlags;
	lck_mtx_unlock(iopm.lock);
	return caps;
}

IOReturn(IOService_deRegisterInterestedDriver)(IOService *self, IOService *theDriver)
{
	struct iopm *pm = self ? IOPM_OF(self) : NULL;
	struct iopm_informee *gone = NULL;

	if (pm == NULL)
		return IOPMNotYetInitialized;
	/* Not while the PM thread walks the list: it holds only a snapshot of entries. */
	if (!iopm_on_pm_thread())
		(void)iopm_wait_idle(0);
	lck_mtx_lock(iopm.lock);
	for (struct iopm_informee **l = &pm->informees; *l != NULL; l = &(*l)->next) {
		if ((*l)->driver == theDriver) {
			gone = *l;
			*l = gone->next;
			break;
		}
	}
	lck_mtx_unlock(iopm.lock);
	if (gone == NULL)
		return IOPMNotYetInitialized;
	OSObject_release(gone->driver);
	kfree(gone, sizeof(*gone));
	return IOPMNoErr;
}

IOReturn(IOService_acknowledgePowerChange)(IOService *self, IOService *whichDriver)
{
	struct iopm *pm = self ? IOPM_OF(self) : NULL;
	bool found = false;

	if (pm == NULL)
		return IOPMNotYetInitialized;
	lck_mtx_lock(iopm.lock);
	for (struct iopm_informee *i = pm->informees; i != NULL; i = i->next) {
		if (i->driver == whichDriver) {
			IOPM_LOG(self, kPMLogDriverAcknowledge, (uintptr_t)whichDriver, 0);
			i->acked = true;
			found = true;
			thread_wakeup(&i->acked);
		}
	}
	lck_mtx_unlock(iopm.lock);
	return found ? IOPMNoErr : IOPMNotYetInitialized;
}

/* ---- leaving ------------------------------------------------------------------------- */

static void
iopm_detach(IOService *s, struct iopm *pm)
{
	IORegistryEntry *conn;
	IOService *parent;
	OSArray *kids = IORegistryEntry_copyChildren(IORegEntry_(s), gIOPowerPlane);

	lck_mtx_lock(iopm.lock);
	conn = pm->connection;
	parent = pm->parent;
	pm->connection = NULL;
	pm->parent = NULL;
	pm->joined = false;
	if (parent != NULL)
		OSObject_retain(parent);
	lck_mtx_unlock(iopm.lock);
	/* Our power children lose their parent (they keep their state until they rejoin). */
	for (unsigned int i = 0; kids != NULL && i < OSArray_getCount(kids); i++) {
		IORegistryEntry *c = OSDynamicCast(IORegistryEntry, OSArray_getObject(kids, i));
		IOService *child = c ? (IOService *)IORegistryEntry_getChildEntry(c, gIOPowerPlane) : NULL;

		if (child != NULL && IOPM_OF(child) != NULL) {
			lck_mtx_lock(iopm.lock);
			IOPM_OF(child)->parent = NULL;
			IOPM_OF(child)->joined = false;
			lck_mtx_unlock(iopm.lock);
		}
		if (child != NULL) {
			IORegistryEntry_detachFromParent(child, c, gIOPowerPlane);
			IORegistryEntry *cc = c;
			IORegistryEntry_detachFromParent(cc, s, gIOPowerPlane);
			if (child != NULL && IOPM_OF(child) != NULL && IOPM_OF(child)->connection == cc) {
				IOPM_OF(child)->connection = NULL;
				OSObject_release(cc);
			}
		}
	}
	OSSafeReleaseNULL(kids);
	if (conn != NULL) {
		IORegistryEntry_detachFromParent(s, conn, gIOPowerPlane);
		if (parent != NULL)
			IORegistryEntry_detachFromParent(conn, parent, gIOPowerPlane);
		OSObject_release(conn);
	}
	if (parent != NULL) {
		OSArray *conns = IORegistryEntry_copyChildren(IORegEntry_(parent), gIOPowerPlane);

		IOPM_LOG(parent, kPMLogRemoveChild, 0, 0);
		lck_mtx_lock(iopm.lock);
		if (IOPM_OF(parent) != NULL)
			iopm_update_child_desire_locked(IOPM_OF(parent), conns);
		lck_mtx_unlock(iopm.lock);
		OSSafeReleaseNULL(conns);
		OSObject_release(parent);
	}
}

void(IOService_PMstop)(IOService *self)
{
	struct iopm *pm = self ? IOPM_OF(self) : NULL;
	bool wasStopped;

	if (pm == NULL)
		return;
	lck_mtx_lock(iopm.lock);
	wasStopped = pm->stopped;
	pm->stopped = true;
	pm->idlePeriod = 0;
	/* A callout to us in flight on the PM thread finishes first (unless we are that callout). */
	while (iopm.callee == (void *)self && !iopm_on_pm_thread())
		(void)lck_mtx_sleep(iopm.lock, LCK_SLEEP_DEFAULT, &iopm.callee, THREAD_UNINT);
	lck_mtx_unlock(iopm.lock);
	if (wasStopped)
		return;
	if (pm->idleCall != NULL)
		(void)thread_call_cancel_wait(pm->idleCall);
	iopm_detach(self, pm);
}

void
iopm_free(IOService *service)
{
	struct iopm *pm = IOPM_OF(service);

	if (pm == NULL)
		return;
	IOService_PMstop(service);
	while (pm->informees != NULL) {
		struct iopm_informee *i = pm->informees;

		pm->informees = i->next;
		OSObject_release(i->driver);
		kfree(i, sizeof(*i));
	}
	if (pm->idleCall != NULL)
		(void)thread_call_free(pm->idleCall);
	if (pm->states != NULL)
		kfree(pm->states, pm->nstates * sizeof(*pm->states));
	service->__reserved[0] = NULL;
	kfree(pm, sizeof(*pm));
}

/* ---- root and boot -------------------------------------------------------------------- */

IOReturn
iopm_make_root(IOService *root, IORegistryEntry *rootConnectionParent)
{
	struct iopm *pm;
	IOService *conn;

	IOService_PMinit(root);
	if ((pm = IOPM_OF(root)) == NULL)
		return kIOReturnNoMemory;
	conn = (IOService *)OSMetaClass_allocInstance((const OSMetaClass *)&IOPowerConnection_gMetaClass);
	if (conn == NULL || !IORegistryEntry_init(conn, NULL) ||
	    !IORegistryEntry_attachToParent(conn, rootConnectionParent, gIOPowerPlane) ||
	    !IORegistryEntry_attachToParent(root, conn, gIOPowerPlane)) {
		OSSafeReleaseNULL(conn);
		return kIOReturnNoMemory;
	}
	lck_mtx_lock(iopm.lock);
	pm->isRoot = true;
	pm->joined = true;
	pm->connection = IORegEntry_(conn);
	lck_mtx_unlock(iopm.lock);
	return kIOReturnSuccess;
}

IOService *
IOService_getPMRootDomain(void)
{
	return gIOPMRootDomain;
}

int
iopm_init(void)
{
	thread_t t;

	if (iopm.lock != NULL)
		return 0;
	iopm.grp = lck_grp_alloc_init("IOServicePM", LCK_GRP_ATTR_NULL);
	iopm.lock = iopm.grp ? lck_mtx_alloc_init(iopm.grp, LCK_ATTR_NULL) : NULL;
	gIOAppPowerStateInterest = OSSymbol_withCString(kIOAppPowerStateInterest);
	gIOPriorityPowerStateInterest = OSSymbol_withCString(kIOPriorityPowerStateInterest);
	if (iopm.lock == NULL || gIOAppPowerStateInterest == NULL || gIOPriorityPowerStateInterest == NULL)
		return ENOMEM;
	iopm.stop = iopm.exited = false;
	if (kernel_thread_start(iopm_thread, NULL, &t) != KERN_SUCCESS)
		return ENOMEM;
	iopm.thread = t;
	return 0;
}

void
iopm_shutdown(void)
{
	if (iopm.lock == NULL || iopm.thread == NULL)
		return;
	lck_mtx_lock(iopm.lock);
	iopm.stop = true;
	thread_wakeup(&iopm.head);
	while (!iopm.exited)
		(void)lck_mtx_sleep(iopm.lock, LCK_SLEEP_DEFAULT, &iopm.exited, THREAD_UNINT);
	while (iopm.head != NULL) {
		struct iopm *pm = iopm.head;

		iopm.head = pm->qnext;
		pm->queued = false;
		lck_mtx_unlock(iopm.lock);
		OSObject_release(pm->owner);
		lck_mtx_lock(iopm.lock);
	}
	iopm.tail = NULL;
	lck_mtx_unlock(iopm.lock);
	thread_deallocate(iopm.thread);
	iopm.thread = NULL;
	OSSafeReleaseNULL(gIOPMRootDomain);
}
