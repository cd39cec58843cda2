/*
 * IOServiceMatching.c — registerService and the matching algorithm
 * (XNU's startMatching, doServiceMatch, probeCandidates, matchPassive,
 * startCandidate), config threads, and demand loading of drivers.
 *
 * A pass over one nub:
 *  1. candidates: the catalogue's personalities indexed under the nub's class
 *     and superclasses, plus the enabled publish notifiers that match, in
 *     one set ordered by IOProbeScore / notifier priority (higher first);
 *  2. walking that set: notifiers are invoked; a personality is copied and
 *     checked passively (matchPassive, which may let the family change the
 *     score), skipped when the nub already has a client of its
 *     IOMatchCategory, else kept in "family matches" re-sorted by score;
 *  3. each family match: alloc IOClass (loading the personality's kext when
 *     the class is unknown: the kextd role), init(personality), attach,
 *     probe(&score), detach; survivors go to a start list per category,
 *     ordered by their (possibly changed) score;
 *  4. per category: start candidates in order until one start() succeeds;
 *  5. matched / first-match notifications. If the catalogue changed during
 *     the pass (generation), or the nub was registered again, go round again.
 * Matching is single-threaded per nub: kIOServiceConfigRunning marks a pass
 * in progress, kIOServiceNeedConfigState asks it to run again.
 */
#include <IOKit/IOLib.h>
#include <kern/clock.h>
#include <mach/mach_time.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include <kern/thread.h>
#include <libkern/libkern.h>
#include <string.h>
#include <sys/errno.h>
#include "iokit/Kernel/IOKitCore.h"
#include "iokit/Kernel/IOKitDebugPrivate.h"
#include "libkern/kext/OSKext.h"
#include "bsd/kern/kdebug_internal.h"
#include "osfmk/kern/watchdog.h"

#define IOSVC_MAX_CONFIG_THREADS 16

struct iosvc_job {
	struct iosvc_job *next;
	IOService *service; /* retained */
	IOOptionBits options;
	void (*fn)(IOService *service, IOOptionBits options);
};

static lck_mtx_t *iosvc_job_mtx;
static struct iosvc_job *iosvc_job_head, **iosvc_job_tail = &iosvc_job_head;
static unsigned int iosvc_threads, iosvc_idle_threads;
static bool iosvc_stopping;
static int iosvc_job_event, iosvc_exit_event;
unsigned int iosvc_demand_loads;

/* ---- config threads ------------------------------------------------------------- */

static void
iosvc_config_thread(void *arg, wait_result_t wr)
{
	watchdog_idle_wait(1);
	lck_mtx_lock(iosvc_job_mtx);
	for (;;) {
		struct iosvc_job *job = iosvc_job_head;

		if (job == NULL) {
			if (iosvc_stopping) {
				break;
			}
			iosvc_idle_threads++;
			(void)lck_mtx_sleep(iosvc_job_mtx, LCK_SLEEP_DEFAULT, &iosvc_job_event, THREAD_UNINT);
			iosvc_idle_threads--;
			continue;
		}
		iosvc_job_head = job->next;
		if (iosvc_job_head == NULL) {
			iosvc_job_tail = &iosvc_job_head;
		}
		lck_mtx_unlock(iosvc_job_mtx);
		IOKITDEBUG_LOG(kIOLogConfig, "config(%p): starting on %s\n", (void *)current_thread(),
		               IORegistryEntry_getName(job->service, NULL));
		job->fn(job->service, job->options);
		OSObject_release(job->service);
		kfree(job, sizeof(*job));
		lck_mtx_lock(iosvc_job_mtx);
	}
	iosvc_threads--;
	IOKITDEBUG_LOG(kIOLogConfig, "config(%p): stopping\n", (void *)current_thread());
	thread_wakeup(&iosvc_exit_event);
	lck_mtx_unlock(iosvc_job_mtx);
}

/* Config threads alive (the pool grows on demand and never shrinks until shutdown). */
unsigned int
iosvc_config_thread_count(void)
{
	unsigned int n;

	lck_mtx_lock(iosvc_job_mtx);
	n = iosvc_threads;
	lck_mtx_unlock(iosvc_job_mtx);
	return n;
}

/* Run fn(service, options) on a config thread; false if none could be had. */
static bool
iosvc_queue_job(IOService *service, IOOptionBits options, void (*fn)(IOService *, IOOptionBits))
{
	struct iosvc_job *job = kalloc(sizeof(*job));
	bool spawn;
	thread_t th;

	if (job == NULL || iosvc_job_mtx == NULL) {
		if (job != NULL) {
			kfree(job, sizeof(*job));
		}
		return false;
	}
	OSObject_retain(service);
	job->service = service;
	job->options = options;
	job->fn = fn;
	job->next = NULL;
	lck_mtx_lock(iosvc_job_mtx);
	if (iosvc_stopping) {
		lck_mtx_unlock(iosvc_job_mtx);
		OSObject_release(service);
		kfree(job, sizeof(*job));
		return false;
	}
	*iosvc_job_tail = job;
	iosvc_job_tail = &job->next;
	/* A config thread may block in a driver's start: grow the pool while none is idle. */
	spawn = iosvc_idle_threads == 0 && iosvc_threads < IOSVC_MAX_CONFIG_THREADS;
	if (spawn) {
		iosvc_threads++;
	}
	thread_wakeup_one(&iosvc_job_event);
	lck_mtx_unlock(iosvc_job_mtx);
	if (spawn) {
		if (kernel_thread_start(iosvc_config_thread, NULL, &th) == KERN_SUCCESS) {
			thread_set_thread_name(th, "IOConfigThread");
			thread_deallocate(th);
		} else {
			lck_mtx_lock(iosvc_job_mtx);
			iosvc_threads--;
			lck_mtx_unlock(iosvc_job_mtx);
		}
	}
	return true;
}

int
iosvc_start_threads(void)
{
	iosvc_job_mtx = lck_mtx_alloc_init(ioreg_lck_grp, LCK_ATTR_NULL);
	return iosvc_job_mtx ? 0 : ENOMEM;
}

/* Stop taking jobs, let the queue drain, and wait for the threads to exit. */
static void
iosvc_stop_threads(void)
{
	if (iosvc_job_mtx == NULL) {
		return;
	}
	lck_mtx_lock(iosvc_job_mtx);
	iosvc_stopping = true;
	thread_wakeup(&iosvc_job_event);
	while (iosvc_threads != 0) {
		(void)lck_mtx_sleep(iosvc_job_mtx, LCK_SLEEP_DEFAULT, &iosvc_exit_event, THREAD_UNINT);
	}
	lck_mtx_unlock(iosvc_job_mtx);
}

bool
iosvc_queue_terminate(IOService *service, IOOptionBits options, void (*fn)(IOService *, IOOptionBits))
{
	return iosvc_queue_job(service, options, fn);
}

/* ---- registerService / startMatching --------------------------------------------- */

static void
iosvc_match_job(IOService *service, IOOptionBits options)
{
	iosvc_do_service_match(service, options);
}

void(IOService_startMatching)(IOService *self, IOOptionBits options)
{
	bool needConfig, sync;
	IOService *provider;

	if (self == NULL) {
		return;
	}
	iosvc_lock();
	provider = self->__provider;
	sync = (options & kIOServiceSynchronous) ||
	       (provider != NULL && (provider->__state[1] & kIOServiceSynchronousState));
	if (sync) {
		__atomic_or_fetch(&self->__state[1], kIOServiceSynchronousState, __ATOMIC_RELEASE);
	}
	needConfig = !(self->__state[1] & (kIOServiceNeedConfigState | kIOServiceConfigRunning)) &&
	             !(self->__state[0] & kIOServiceInactiveState);
	__atomic_or_fetch(&self->__state[1], kIOServiceNeedConfigState, __ATOMIC_RELEASE);
	if (needConfig) {
		(void)iosvc_adjust_busy_locked(self, 1);
	}
	iosvc_unlock();
	if (needConfig) {
		if (sync || !iosvc_queue_job(self, options, iosvc_match_job)) {
			iosvc_do_service_match(self, options);
		}
	} else if (sync) {
		/* Another thread is matching this nub: it will go round again; wait for it. */
		(void)IOService_waitQuiet(self, 0);
	}
}

/* kIOLogRegister: "Registering: <service plane path>", the path shortened from the left as XNU does. */
static void
iosvc_log_register(IOService *self)
{
	enum { kMaxChars = 63 };
	char path[256];
	int len = sizeof(path);
	const char *p = path;

	if (!IORegistryEntry_getPath(self, path, &len, gIOServicePlane)) {
		kprintf("Registering: %s\n", IORegistryEntry_getName(self, NULL));
		return;
	}
	if (len > kMaxChars) {
		p = path + len - kMaxChars;
		p = strchr(p, '/') != NULL ? strchr(p, '/') : p;
		kprintf("Registering: ..%s\n", p);
		return;
	}
	kprintf("Registering: %s\n", p);
}

/* A driver's own IOKitDebug number (from its personality) overrides gIOKitDebug for its probe and start. */
static UInt64
iosvc_debug_flags(IOService *inst)
{
	OSNumber *n = OSDynamicCast(OSNumber, IORegistryEntry_getProperty(inst, gIOKitDebugKey));

	return n != NULL ? OSNumber_unsigned64BitValue(n) : (UInt64)gIOKitDebug;
}

void(IOService_registerService)(IOService *self, IOOptionBits options)
{
	if (self == NULL || IOService_isInactive(self)) {
		return;
	}
	if (self != gIOResources && (gIOKitDebug & kIOLogRegister)) {
		iosvc_log_register(self);
	}
	IOService_startMatching(self, options);
}

/* ---- ordering ------------------------------------------------------------------- */

SInt32
iosvc_probe_score(OSDictionary *table)
{
	OSNumber *n = OSDynamicCast(OSNumber, OSDictionary_getObject(table, gIOProbeScoreKey));

	return n ? (SInt32)OSNumber_unsigned32BitValue(n) : 0;
}

static SInt32
iosvc_order_value(const OSObject *obj)
{
	OSDictionary *d;
	IOService *s;
	bool isNotifier = false;
	SInt32 v;

	if ((d = OSDynamicCast(OSDictionary, obj)) != NULL) {
		return iosvc_probe_score(d);
	}
	if ((s = OSDynamicCast(IOService, obj)) != NULL) {
		OSNumber *n = OSDynamicCast(OSNumber, IORegistryEntry_copyProperty(s, gIOProbeScoreKey));

		v = n ? (SInt32)OSNumber_unsigned32BitValue(n) : 0;
		OSSafeReleaseNULL(n);
		return v;
	}
	v = iosvc_notifier_priority(obj, &isNotifier);
	return isNotifier ? v : 0;
}

SInt32
IOServiceOrdering(const OSObject *a, const OSObject *b, void *ref)
{
	SInt32 va = a ? iosvc_order_value(a) : 0, vb = b ? iosvc_order_value(b) : 0;

	/* > 0 puts a first; equal values keep arrival order. */
	return va > vb ? 1 : va < vb ? -1 : 0;
}

/* ---- passive matching ------------------------------------------------------------ */

bool
IOService_compareNameMatch(IOService *self, OSObject *names, OSString **matched)
{
	return IORegistryEntry_compareNames(self, names, matched);
}

/* One table against one service; changesOK lets it record IONameMatched and the score. */
static bool
iosvc_match_one(IOService *where, OSDictionary *table, bool changesOK, bool classDone)
{
	unsigned int count = OSDictionary_getCount(table), done = 0;
	OSObject *obj;
	OSString *str;
	OSNumber *num;
	SInt32 score;

	if ((str = OSDynamicCast(OSString, OSDictionary_getObject(table, gIOProviderClassKey))) != NULL) {
		done++;
		if (!classDone &&
		    OSMetaClassBase_metaCastWithName(OSObj(where), (const OSSymbol *)NULL) == NULL &&
		    OSMetaClass_checkMetaCastWithCString(OSString_getCStringNoCopy(str), OSObj(where)) ==
		            NULL) {
			return false;
		}
	}
	if ((obj = OSDictionary_getObject(table, gIONameMatchKey)) != NULL) {
		OSString *matched = NULL;

		done++;
		if (!IOService_compareNameMatch(where, obj, changesOK ? &matched : NULL)) {
			return false;
		}
		if (matched != NULL) {
			(void)OSDictionary_setObject(table, gIONameMatchedKey, matched);
			OSObject_release(matched);
		}
	}
	if ((str = OSDynamicCast(OSString, OSDictionary_getObject(table, gIOLocationMatchKey))) != NULL) {
		const char *loc = IORegistryEntry_getLocation(where, NULL);

		done++;
		if (loc == NULL || !OSString_isEqualToCString(str, loc)) {
			return false;
		}
	}
	if ((obj = OSDictionary_getObject(table, gIOPropertyMatchKey)) != NULL) {
		OSDictionary *props = IORegistryEntry_dictionaryWithProperties(where), *want;
		OSCollectionIterator *it = NULL;
		bool ok = false;

		done++;
		want = OSDynamicCast(OSDictionary, obj);
		if (want == NULL && OSDynamicCast(OSCollection, obj) != NULL) {
			it = OSCollectionIterator_withCollection((OSCollection *)obj);
		}
		while (props != NULL && !ok &&
		       (want != NULL ||
		        (it != NULL &&
		         (want = OSDynamicCast(OSDictionary, OSIterator_getNextObject(it))) != NULL))) {
			ok = OSDictionary_isEqualToDictionaryKeys(props, want, (const OSCollection *)want);
			want = NULL;
		}
		OSSafeReleaseNULL(it);
		OSSafeReleaseNULL(props);
		if (!ok) {
			return false;
		}
	}
	if ((obj = OSDictionary_getObject(table, gIOPropertyExistsMatchKey)) != NULL) {
		OSDictionary *props = IORegistryEntry_dictionaryWithProperties(where);
		OSCollectionIterator *it = NULL;
		OSString *key = OSDynamicCast(OSString, obj);
		bool ok = false;

		done++;
		if (key == NULL && OSDynamicCast(OSCollection, obj) != NULL) {
			it = OSCollectionIterator_withCollection((OSCollection *)obj);
		}
		while (props != NULL && !ok &&
		       (key != NULL ||
		        (it != NULL &&
		         (key = OSDynamicCast(OSString, OSIterator_getNextObject(it))) != NULL))) {
			ok = OSDictionary_getObjectString(props, key) != NULL;
			key = NULL;
		}
		OSSafeReleaseNULL(it);
		OSSafeReleaseNULL(props);
		if (!ok) {
			return false;
		}
	}
	if ((str = OSDynamicCast(OSString, OSDictionary_getObject(table, gIOPathMatchKey))) != NULL) {
		IORegistryEntry *e =
		        IORegistryEntry_fromPath(OSString_getCStringNoCopy(str), NULL, NULL, NULL, NULL);
		bool ok = e == IORegEntry_(where);

		done++;
		OSSafeReleaseNULL(e);
		if (!ok) {
			return false;
		}
	}
	if ((num = OSDynamicCast(OSNumber, OSDictionary_getObject(table, gIORegistryEntryIDKey))) != NULL) {
		done++;
		if (IORegistryEntry_getRegistryEntryID(where) != OSNumber_unsigned64BitValue(num)) {
			return false;
		}
	}
	if ((num = OSDynamicCast(OSNumber, OSDictionary_getObject(table, gIOMatchedServiceCountKey))) !=
	    NULL) {
		done++;
		if (__atomic_load_n(&where->__matchCount, __ATOMIC_RELAXED) !=
		    OSNumber_unsigned32BitValue(num)) {
			return false;
		}
	}
	if (OSDictionary_getObject(table, gIOParentMatchKey) != NULL) {
		done++;
	}
	if (done == count) {
		return true; /* only generic keys: no family rules to ask */
	}
	/* The family's rules, with the score it may change. */
	score = iosvc_probe_score(table);
	if (!IOService_matchPropertyTable(where, table, &score)) {
		return false;
	}
	if (changesOK) {
		OSNumber *n = OSNumber_withNumber((unsigned long long)(long long)score, 32);

		if (n != NULL) {
			(void)OSDictionary_setObject(table, gIOProbeScoreKey, n);
			OSObject_release(n);
		}
	}
	return true;
}

static bool
iosvc_match_passive(IOService *self, OSDictionary *table, bool changesOK, bool classDone)
{
	OSDictionary *parentTable;

	if (!iosvc_match_one(self, table, changesOK, classDone)) {
		return false;
	}
	/* IOParentMatch: some provider up the chain must match the nested table. */
	parentTable = OSDynamicCast(OSDictionary, OSDictionary_getObject(table, gIOParentMatchKey));
	for (int depth = 0; parentTable != NULL && depth < 64; depth++) {
		IOService *p = IOService_getProvider(self);

		if (p == NULL) {
			return false;
		}
		if (iosvc_match_passive(p, parentTable, false, false)) {
			return true;
		}
		self = p;
	}
	return parentTable == NULL;
}

bool
IOService_matchPassive(IOService *self, OSDictionary *table, IOOptionBits options)
{
	if (self == NULL || table == NULL) {
		return false;
	}
	return iosvc_match_passive(self, table, false, false);
}

/* ---- probing and starting ---------------------------------------------------------- */

/* IOResourceMatch on a driver: stall the config thread until the resources are published. */
static void
iosvc_check_resources(IOService *service)
{
	OSObject *prop = IORegistryEntry_copyProperty(service, gIOResourceMatchKey);
	OSString *key;

	if (prop == NULL || gIOResources == NULL) {
		OSSafeReleaseNULL(prop);
		return;
	}
	if ((key = OSDynamicCast(OSString, prop)) != NULL) {
		OSDictionary *m = IOService_resourceMatching(OSString_getCStringNoCopy(key), NULL);
		IOService *s = m ? IOService_waitForMatchingService(m, 0) : NULL;

		OSSafeReleaseNULL(s);
		OSSafeReleaseNULL(m);
	}
	OSObject_release(prop);
}

static bool
iosvc_start_candidate(IOService *self, IOService *inst)
{
	uint64_t t0 = 0;
	UInt64 flags;
	bool ok;

	if (IOService_isInactive(self) || !IOService_attach(inst, self)) {
		return false;
	}
	if (self != gIOResources) {
		iosvc_check_resources(self);
		iosvc_check_resources(inst);
	}
	flags = iosvc_debug_flags(inst);
	if (flags & kIOLogStart) {
		kprintf("%s::start(%s) <%d>\n", IORegistryEntry_getName(inst, NULL),
		        IORegistryEntry_getName(self, NULL), OSObject_getRetainCount(inst));
		t0 = mach_absolute_time();
	}
	KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOSERVICE, IOSERVICE_KH_START) | DBG_FUNC_START,
	                      IORegistryEntry_getRegistryEntryID(inst),
	                      IORegistryEntry_getRegistryEntryID(self), 0, 0, 0);
	ok = IOService_start(inst, self);
	KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOSERVICE, IOSERVICE_KH_START) | DBG_FUNC_END, ok, 0, 0, 0, 0);
	if (flags & kIOLogStart) {
		uint64_t ns = mach_absolute_time() - t0; /* the timebase is 1:1 nanoseconds here */

		if (ns > 500ULL * 1000 * 1000) {
			kprintf("%s::start took %ld ms\n", IORegistryEntry_getName(inst, NULL),
			        (long)(ns / (1000 * 1000)));
		}
		if (!ok) {
			kprintf("%s::start(%s) <%d> failed\n", IORegistryEntry_getName(inst, NULL),
			        IORegistryEntry_getName(self, NULL), OSObject_getRetainCount(inst));
		}
	}
	if (ok) {
		iosvc_lock();
		__atomic_or_fetch(&inst->__state[1], kIOServiceStartedState, __ATOMIC_RELEASE);
		iosvc_unlock();
		__atomic_fetch_add(&self->__matchCount, 1, __ATOMIC_RELAXED);
	} else {
		IOService_detach(inst, self);
	}
	return ok;
}

/* Allocate the driver of a personality; load its kext when the class is unknown. */
static IOService *
iosvc_alloc_driver(OSDictionary *props, const OSSymbol *className)
{
	OSObject *obj = OSMetaClass_allocClassWithName(className);
	OSString *bundleID;

	if (obj == NULL && OSMetaClass_getMetaClassWithName(className) == NULL &&
	    (bundleID = OSDynamicCast(
	             OSString, OSDictionary_getObjectCString(props, kIOBundleIdentifierKey))) != NULL) {
		struct OSKextLoadArgs args;
		OSReturn r;

		bzero(&args, sizeof(args));
		args.bundleID = OSString_getCStringNoCopy(bundleID);
		__atomic_fetch_add(&iosvc_demand_loads, 1, __ATOMIC_RELAXED);
		r = OSKext_load(&args, NULL, NULL, NULL);
		if (r != kOSReturnSuccess) {
			IOLog("Failed to load kext %s (error 0x%x).\n", args.bundleID, (unsigned)r);
		} else {
			obj = OSMetaClass_allocClassWithName(className);
		}
	}
	if (obj != NULL && OSDynamicCast(IOService, obj) == NULL) {
		OSObject_release(obj);
		obj = NULL;
	}
	if (obj == NULL) {
		IOLog("Couldn't alloc class \"%s\"\n", OSSymbol_getCStringNoCopy(className));
	}
	return (IOService *)obj;
}

static const OSSymbol *
iosvc_category_of(OSDictionary *table)
{
	const OSSymbol *cat = OSDynamicCast(OSSymbol, OSDictionary_getObject(table, gIOMatchCategoryKey));
	OSString *s;

	if (cat == NULL &&
	    (s = OSDynamicCast(OSString, OSDictionary_getObject(table, gIOMatchCategoryKey))) != NULL) {
		return OSSymbol_withString(s);
	}
	if (cat == NULL) {
		cat = gIODefaultMatchCategoryKey;
	}
	OSObject_retain(cat);
	return cat;
}

/* The IOClass of a personality, for log lines. */
static const char *
iosvc_personality_class(OSDictionary *props)
{
	OSString *s = OSDynamicCast(OSString, OSDictionary_getObject(props, gIOClassKey));

	return s != NULL ? OSString_getCStringNoCopy(s) : "?";
}

static void
iosvc_probe_candidates(IOService *self, OSOrderedSet *matches)
{
	OSOrderedSet *family = OSOrderedSet_withCapacity(4, IOServiceOrdering, NULL);
	OSDictionary *startDict = OSDictionary_withCapacity(1);
	OSObject *next;
	OSDictionary *props;

	/* Passes 1-2: notifiers now; personalities that match passively, by score. */
	while ((next = OSOrderedSet_getFirstObject(matches)) != NULL) {
		OSDictionary *match;
		const OSSymbol *category;
		IOService *existing;

		OSObject_retain(next);
		OSOrderedSet_removeObject(matches, next);
		if (iosvc_invoke_if_notifier(self, next) ||
		    (match = OSDynamicCast(OSDictionary, next)) == NULL) {
			OSObject_release(next);
			continue;
		}
		category = iosvc_category_of(match);
		existing = IOService_copyClientWithCategory(self, category);
		OSObject_release(category);
		if (existing != NULL) {
			OSObject_release(existing);
			OSObject_release(next);
			continue;
		}
		props = OSDictionary_withDictionary(match, OSDictionary_getCount(match) + 2);
		if (props != NULL && family != NULL && iosvc_match_passive(self, props, true, true)) {
			IOKITDEBUG_LOG(kIOLogMatch, "%s: matched personality %s (IOProbeScore %d)\n",
			               IORegistryEntry_getName(self, NULL), iosvc_personality_class(props),
			               (int)iosvc_probe_score(props));
			(void)OSOrderedSet_setObject(family, props);
		}
		OSSafeReleaseNULL(props);
		OSObject_release(next);
	}
	/* Pass 3: instantiate, attach, probe, detach each. */
	while (family != NULL && startDict != NULL &&
	       (props = (OSDictionary *)OSOrderedSet_getFirstObject(family))) {
		const OSSymbol *className, *category;
		IOService *inst = NULL, *newInst;
		OSOrderedSet *startList;
		OSNumber *pri;
		SInt32 score;

		OSObject_retain(props);
		OSOrderedSet_removeObject(family, props);
		className = OSDynamicCast(OSSymbol, OSDictionary_getObject(props, gIOClassKey));
		if (className == NULL) {
			OSString *s = OSDynamicCast(OSString, OSDictionary_getObject(props, gIOClassKey));

			className = s ? OSSymbol_withString(s) : NULL;
		} else {
			OSObject_retain(className);
		}
		if (className == NULL || IOService_isInactive(self) ||
		    (inst = iosvc_alloc_driver(props, className)) == NULL) {
			goto next;
		}
		if (!IORegistryEntry_init(inst, props)) {
			IOLog("%s::init failed\n", OSSymbol_getCStringNoCopy(className));
			goto next;
		}
		iosvc_lock();
		__atomic_or_fetch(&inst->__state[1],
		                  __atomic_load_n(&self->__state[1], __ATOMIC_ACQUIRE) &
		                          kIOServiceSynchronousState,
		                  __ATOMIC_RELEASE);
		iosvc_unlock();
		category = iosvc_category_of(props);
		(void)IORegistryEntry_setProperty(inst, gIOMatchCategoryKey, category);
		if (!IOService_attach(inst, self)) {
			OSObject_release(category);
			goto next;
		}
		score = iosvc_probe_score(props);
		if (iosvc_debug_flags(inst) & kIOLogProbe) {
			kprintf("%s::probe(%s)\n", OSObject_getClassName(inst),
			        IORegistryEntry_getName(self, NULL));
		}
		newInst = IOService_probe(inst, self, &score);
		IOService_detach(inst, self);
		if (newInst == NULL && (iosvc_debug_flags(inst) & kIOLogProbe)) {
			kprintf("%s::probe fails\n", OSSymbol_getCStringNoCopy(className));
		}
		if (newInst == NULL) {
			OSObject_release(category);
			goto next;
		}
		if ((pri = OSNumber_withNumber((unsigned long long)(long long)score, 32)) != NULL) {
			(void)IORegistryEntry_setProperty(newInst, gIOProbeScoreKey, pri);
			OSObject_release(pri);
		}
		startList = (OSOrderedSet *)OSDictionary_getObject(startDict, category);
		if (startList == NULL &&
		    (startList = OSOrderedSet_withCapacity(1, IOServiceOrdering, NULL)) != NULL) {
			(void)OSDictionary_setObject(startDict, category, startList);
			OSObject_release(startList);
		}
		if (startList != NULL) {
			(void)OSOrderedSet_setObject(startList, newInst);
		}
		OSObject_release(category);
	next:
		OSSafeReleaseNULL(className);
		OSSafeReleaseNULL(inst);
		OSObject_release(props);
	}
	/* Pass 4: in each category, start the best until one succeeds. */
	OSArray *categories = startDict ? OSDictionary_copyKeys(startDict) : NULL;

	for (unsigned int c = 0; categories != NULL && c < OSArray_getCount(categories); c++) {
		OSOrderedSet *startList = (OSOrderedSet *)OSDictionary_getObject(
		        startDict, (const OSSymbol *)OSArray_getObject(categories, c));
		bool started = false;
		IOService *inst;

		while (startList != NULL &&
		       (inst = (IOService *)OSOrderedSet_getFirstObject(startList)) != NULL) {
			OSObject_retain(inst);
			OSOrderedSet_removeObject(startList, inst);
			if (!started) {
				started = iosvc_start_candidate(self, inst);
			}
			OSObject_release(inst);
		}
	}
	OSSafeReleaseNULL(categories);
	OSSafeReleaseNULL(startDict);
	OSSafeReleaseNULL(family);
}

static void
iosvc_do_service_match_untraced(IOService *self, IOOptionBits options)
{
	bool keepGuessing = true, reRegistered = true, first;
	SInt32 generation = 0;

	while (keepGuessing) {
		OSOrderedSet *matches = IOCatalogue_findDrivers(gIOCatalogue, self, &generation);

		iosvc_lock();
		first = !(self->__state[0] & kIOServiceFirstPublishState);
		iosvc_unlock();
		if (first) {
			iosvc_deliver_notification(self, gIOFirstPublishNotification,
			                           kIOServiceFirstPublishState, 0xffffffff);
		}
		iosvc_lock();
		__atomic_and_fetch(&self->__state[1], ~kIOServiceNeedConfigState, __ATOMIC_RELEASE);
		__atomic_or_fetch(&self->__state[1], kIOServiceConfigRunning, __ATOMIC_RELEASE);
		self->__state[0] |= kIOServiceRegisteredState;
		keepGuessing = !(self->__state[0] & kIOServiceInactiveState);
		iosvc_unlock();
		if (matches != NULL && reRegistered && keepGuessing) {
			iosvc_add_publish_notifiers(self, matches);
		}
		if (matches != NULL && keepGuessing && OSOrderedSet_getCount(matches) != 0) {
			iosvc_probe_candidates(self, matches);
		}
		OSSafeReleaseNULL(matches);
		iosvc_lock();
		reRegistered = (self->__state[1] & kIOServiceNeedConfigState) != 0;
		keepGuessing = (reRegistered || generation != IOCatalogue_getGenerationCount(gIOCatalogue)) &&
		               !(self->__state[0] & kIOServiceInactiveState);
		iosvc_unlock();
	}
	if (!IOService_isInactive(self)) {
		iosvc_deliver_notification(self, gIOMatchedNotification, kIOServiceMatchedState, 0xffffffff);
		iosvc_lock();
		first = !(self->__state[0] & kIOServiceFirstMatchState);
		iosvc_unlock();
		if (first) {
			iosvc_deliver_notification(self, gIOFirstMatchNotification, kIOServiceFirstMatchState,
			                           0xffffffff);
		}
	}
	iosvc_lock();
	__atomic_and_fetch(&self->__state[1], ~(kIOServiceConfigRunning | kIOServiceNeedConfigState),
	                   __ATOMIC_RELEASE);
	iosvc_unlock();
	/* A terminate that came while matching ran left phase 2 to us (XNU's doServiceMatch). */
	iosvc_schedule_phase2(self, 0);
	iosvc_lock();
	(void)iosvc_adjust_busy_locked(self, -1);
	iosvc_unlock();
	iosvc_wake_waiters();
}

/* Matching on one service, as one interval in a kdebug trace. */
void
iosvc_do_service_match(IOService *self, IOOptionBits options)
{
	KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOSERVICE, IOSERVICE_KH_MATCH) | DBG_FUNC_START,
	                      IORegistryEntry_getRegistryEntryID(self), 0, 0, 0, 0);
	iosvc_do_service_match_untraced(self, options);
	KERNEL_DEBUG_CONSTANT(IOKDBG_CODE(DBG_IOSERVICE, IOSERVICE_KH_MATCH) | DBG_FUNC_END, 0, 0, 0, 0, 0);
}

void
iosvc_shutdown_threads(void)
{
	iosvc_stop_threads();
}
