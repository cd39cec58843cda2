/*
 * test_pm.c — IOService power management: registerPowerDriver's checks,
 * acks (implied, delayed, tardy), drop/rise ordering across a 3-level
 * power tree, max of desires clamped by the parent, the idle timer,
 * interested drivers, PMstop waiting for a callout in flight, and system
 * sleep/wake through the root domain (messages, acks, idle-sleep veto);
 * the initial power change after registration (to the highest state the
 * parent supplies, even 0; none with kIOPMInitialDeviceState); kIOLogPower's
 * PMLog lines only with the flag.
 */
#include "tests/iokit/iocore.h"
#include "tests/iokit/iotest.h"
#include <IOKit/pwr_mgt/RootDomain.h>
#include <IOKit/IOKitDebug.h>
#include <IOKit/pwr_mgt/IOPMlog.h>
#include "iokit/Kernel/IOServicePMPrivate.h"
#include "bsd/kern/subr_log.h"

#define WAIT_PM() ck_assert_int_eq(iopm_wait_idle(IOTEST_LIMIT_NS), 0)

static char plog[2048];
static void
plog_add(const char *fmt, const char *name, unsigned long n)
{
	char b[64];

	snprintf(b, sizeof(b), fmt, name, n);
	strlcat(plog, b, sizeof(plog));
}

/* A power-managed service: logs setPowerState as "name:N "; "Delay" µs answers, "AckLater". */
OSDeclareDefaultStructors(PMDev, IOService);
struct PMDev {
	IOService super;
	char name[8];
	unsigned long delay; /* answer of setPowerState */
	bool ack;            /* acknowledge from another thread after ackAfterMs */
	uint32_t ackAfterMs;
	uint32_t inCall; /* set while setPowerState sleeps */
	uint32_t callMs; /* setPowerState sleeps this long */
	uint32_t calls;
};

static void
PMDev_acker(void *arg, wait_result_t wr)
{
	PMDev *d = arg;

	IOSleep(d->ackAfterMs);
	(void)IOService_acknowledgeSetPowerState(d);
	OSObject_release(d);
}

static IOReturn
PMDev_setPowerState(IOService *self, unsigned long state, IOService *what)
{
	PMDev *d = (PMDev *)self;

	plog_add("%s:%lu ", d->name, state);
	__atomic_fetch_add(&d->calls, 1, __ATOMIC_RELAXED);
	if (d->callMs) {
		__atomic_store_n(&d->inCall, 1, __ATOMIC_RELEASE);
		IOSleep(d->callMs);
		__atomic_store_n(&d->inCall, 0, __ATOMIC_RELEASE);
	}
	if (d->ack) {
		OSObject_retain(d);
		iotest_start(PMDev_acker, d);
	}
	return d->delay;
}

/* As an interested driver it logs "name+N " before and "name=N " after. */
static IOReturn
PMDev_will(IOService *self, unsigned long caps, unsigned long state, IOService *what)
{
	plog_add("%s+%lu ", ((PMDev *)self)->name, state);
	return kIOPMAckImplied;
}

static IOReturn
PMDev_did(IOService *self, unsigned long caps, unsigned long state, IOService *what)
{
	plog_add("%s=%lu ", ((PMDev *)self)->name, state);
	return kIOPMAckImplied;
}

static const OSMethod PMDev_methods[] = {
        OSMethodOverride(IOService, setPowerState, PMDev_setPowerState),
        OSMethodOverride(IOService, powerStateWillChangeTo, PMDev_will),
        OSMethodOverride(IOService, powerStateDidChangeTo, PMDev_did),
        OSMethodEnd,
};
OSDefineMetaClassAndStructors(PMDev, IOService, PMDev_methods);

/* off, doze (needs power), on (needs power, supplies power to children). */
static IOPMPowerState states3[] = {
        {kIOPMPowerStateVersion1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {kIOPMPowerStateVersion1, kIOPMLowPower, 0, kIOPMPowerOn, 0, 0, 0, 0, 0, 0, 0, 0},
        {kIOPMPowerStateVersion2, kIOPMDeviceUsable, kIOPMPowerOn, kIOPMPowerOn, 0, 0, 0, 0, 0, 0, 0, 0},
};

/* A device registered with `states` and past its initial power change. */
static PMDev *
mkdev_states(const char *name, IOService *provider, IOPMPowerState *states)
{
	PMDev *d = OSTypeAlloc(PMDev);

	ck_assert_ptr_nonnull(d);
	ck_assert(IORegistryEntry_init(d, NULL));
	strlcpy(d->name, name, sizeof(d->name));
	IORegistryEntry_setName(d, name, NULL); /* kIOLogPower's lines name it */
	ck_assert(IOService_attach(d, provider ? provider : IOService_getResourceService()));
	IOService_PMinit(d);
	IOService_joinPMtree(provider ? provider : IOService_getResourceService(), d);
	ck_assert_int_eq(IOService_registerPowerDriver(d, d, states, 3), IOPMNoErr);
	WAIT_PM();
	return d;
}

/* A device at state 0 with no calls counted: the tests below start from there. */
static PMDev *
mkdev(const char *name, IOService *provider)
{
	PMDev *d = mkdev_states(name, provider, states3);

	(void)IOService_changePowerStateTo(d, 0); /* undo the initial change's highest state */
	WAIT_PM();
	ck_assert_uint_eq(IOService_getPowerState(d), 0);
	d->calls = 0;
	return d;
}

static void
rmdev(PMDev *d, IOService *provider)
{
	IOService_PMstop(d);
	IOService_detach(d, provider ? provider : IOService_getResourceService());
	OSObject_release(d);
}

START_TEST(register_validation)
{
	PMDev *d = OSTypeAlloc(PMDev);
	IOPMPowerState bad[2] = {{7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};

	ck_assert(IORegistryEntry_init(d, NULL));
	ck_assert_int_eq(IOService_registerPowerDriver(d, d, states3, 3), IOPMNotYetInitialized);
	IOService_PMinit(d);
	ck_assert_int_eq(IOService_registerPowerDriver(d, d, states3, 1), kIOReturnBadArgument);
	ck_assert_int_eq(IOService_registerPowerDriver(d, d, NULL, 3), kIOReturnBadArgument);
	ck_assert_int_eq(IOService_registerPowerDriver(d, d, bad, 2), kIOReturnBadArgument);
	ck_assert_int_eq(IOService_registerPowerDriver(d, d, states3, 3), IOPMNoErr);
	ck_assert_int_eq(IOService_changePowerStateTo(d, 3), IOPMParameterError);
	ck_assert_int_eq(IOService_changePowerStateTo(d, 2), IOPMNoErr);
	IOService_PMstop(d);
	OSObject_release(d);
}
END_TEST

START_TEST(acks_implied_delayed_tardy)
{
	PMDev *d = mkdev("a", NULL);
	OSDictionary *pmProp;

	plog[0] = 0;
	(void)IOService_changePowerStateTo(d, 2);
	WAIT_PM();
	ck_assert_str_eq(plog, "a:2 ");
	ck_assert_uint_eq(IOService_getPowerState(d), 2);
	pmProp = OSDynamicCast(OSDictionary, IORegistryEntry_getPropertyCString(d, kIOPMPowerManagementKey));
	ck_assert_ptr_nonnull(pmProp);
	ck_assert_ptr_nonnull(OSDictionary_getObjectCString(pmProp, kIOPMCurrentPowerStateKey));
	/* A delay acknowledged in time: not tardy. */
	d->delay = 5 * 1000 * 1000;
	d->ack = true;
	d->ackAfterMs = 20;
	(void)IOService_changePowerStateTo(d, 1);
	WAIT_PM();
	ck_assert_uint_eq(iopm_tardy_acks, 0);
	ck_assert_uint_eq(IOService_getPowerState(d), 1);
	/* No ack within 30 ms: logged as tardy, PM carries on. */
	d->delay = 30 * 1000;
	d->ack = false;
	(void)IOService_changePowerStateTo(d, 0);
	WAIT_PM();
	ck_assert_uint_eq(iopm_tardy_acks, 1);
	ck_assert_uint_eq(IOService_getPowerState(d), 0);
	(void)IOService_acknowledgeSetPowerState(d); /* late: harmless */
	rmdev(d, NULL);
}
END_TEST

START_TEST(order_three_levels)
{
	PMDev *a = mkdev("A", NULL), *b = mkdev("B", IOSvc_(a)), *c = mkdev("C", IOSvc_(b));

	WAIT_PM();
	/* Only the leaf wants power: its parents come up first, root first. */
	plog[0] = 0;
	(void)IOService_changePowerStateTo(c, 2);
	WAIT_PM();
	ck_assert_str_eq(plog, "A:2 B:2 C:2 ");
	/* Root domain sleep drops the tree leaf first; wake brings it back root first. */
	plog[0] = 0;
	ck_assert_int_eq(IOPMrootDomain_sleepSystem(IOService_getPMRootDomain()), kIOReturnSuccess);
	ck_assert_str_eq(plog, "C:0 B:0 A:0 ");
	plog[0] = 0;
	ck_assert_int_eq(IOPMrootDomain_wakeSystem(IOService_getPMRootDomain()), kIOReturnSuccess);
	WAIT_PM();
	ck_assert_str_eq(plog, "A:2 B:2 C:2 ");
	/* The leaf no longer wants power: it goes first, then the ones above. */
	plog[0] = 0;
	(void)IOService_changePowerStateTo(c, 0);
	WAIT_PM();
	ck_assert_str_eq(plog, "C:0 B:0 A:0 ");
	rmdev(c, IOSvc_(b));
	rmdev(b, IOSvc_(a));
	rmdev(a, NULL);
}
END_TEST

START_TEST(max_of_desires_clamped)
{
	PMDev *p = mkdev("P", NULL), *k = mkdev("K", IOSvc_(p));
	OSDictionary *prop;
	OSNumber *n;

	(void)IOService_changePowerStateTo(k, 1);     /* driver desire 1 */
	(void)IOService_changePowerStateToPriv(k, 2); /* device desire 2: the max wins */
	WAIT_PM();
	ck_assert_uint_eq(IOService_getPowerState(k), 2);
	ck_assert_uint_eq(IOService_getPowerState(p), 2); /* children's power requirement */
	prop = OSDynamicCast(OSDictionary, IORegistryEntry_getPropertyCString(p, kIOPMPowerManagementKey));
	n = OSDynamicCast(OSNumber, OSDictionary_getObjectCString(prop, kIOPMChildrenPowerStateKey));
	ck_assert_ptr_nonnull(n);
	ck_assert_uint_eq(OSNumber_unsigned32BitValue(n), 2);
	/* The parent's sleep state supplies no power: the child is clamped to its state needing none. */
	ck_assert_int_eq(IOPMrootDomain_sleepSystem(IOService_getPMRootDomain()), kIOReturnSuccess);
	ck_assert_uint_eq(IOService_getPowerState(k), 0);
	ck_assert_int_eq(IOPMrootDomain_wakeSystem(IOService_getPMRootDomain()), kIOReturnSuccess);
	WAIT_PM();
	ck_assert_uint_eq(IOService_getPowerState(k), 2);
	(void)IOService_changePowerStateToPriv(k, 0);
	WAIT_PM();
	ck_assert_uint_eq(IOService_getPowerState(k), 1); /* the driver's own desire remains */
	rmdev(k, IOSvc_(p));
	rmdev(p, NULL);
}
END_TEST

START_TEST(idle_timer_steps_down)
{
	PMDev *d = mkdev("I", NULL);
	uint64_t end = mach_absolute_time() + IOTEST_LIMIT_NS;

	ck_assert(!IOService_activityTickle(d, kIOPMSuperclassPolicy1, 2)); /* not there yet */
	WAIT_PM();
	ck_assert_uint_eq(IOService_getPowerState(d), 2);
	ck_assert(IOService_activityTickle(d, kIOPMSuperclassPolicy1, 2));
	plog[0] = 0;
	ck_assert_int_eq(IOService_setIdleTimerPeriod(d, 1), IOPMNoErr);
	while (IOService_getPowerState(d) != 0 && mach_absolute_time() < end)
		IOSleep(20);
	WAIT_PM();
	ck_assert_str_eq(plog, "I:1 I:0 "); /* one state per quiet period */
	rmdev(d, NULL);
}
END_TEST

START_TEST(interested_drivers)
{
	PMDev *d = mkdev("D", NULL), *w = OSTypeAlloc(PMDev);

	ck_assert(IORegistryEntry_init(w, NULL));
	strlcpy(w->name, "w", sizeof(w->name));
	WAIT_PM();
	(void)IOService_registerInterestedDriver(d, w);
	plog[0] = 0;
	(void)IOService_changePowerStateTo(d, 2);
	WAIT_PM();
	ck_assert_str_eq(plog, "w+2 D:2 w=2 ");
	ck_assert_int_eq(IOService_deRegisterInterestedDriver(d, w), IOPMNoErr);
	ck_assert_int_eq(IOService_deRegisterInterestedDriver(d, w), IOPMNotYetInitialized);
	plog[0] = 0;
	(void)IOService_changePowerStateTo(d, 0);
	WAIT_PM();
	ck_assert_str_eq(plog, "D:0 ");
	OSObject_release(w);
	rmdev(d, NULL);
}
END_TEST

START_TEST(pmstop_waits_for_callout)
{
	PMDev *d = mkdev("S", NULL);
	uint64_t end = mach_absolute_time() + IOTEST_LIMIT_NS;

	WAIT_PM();
	d->callMs = 300;
	(void)IOService_changePowerStateTo(d, 2);
	while (!iotest_load(&d->inCall) && mach_absolute_time() < end)
		IOSleep(1);
	ck_assert_uint_eq(iotest_load(&d->inCall), 1);
	IOService_PMstop(d); /* returns only after setPowerState did */
	ck_assert_uint_eq(iotest_load(&d->inCall), 0);
	(void)IOService_changePowerStateTo(d, 0); /* ignored after PMstop */
	WAIT_PM();
	ck_assert_uint_eq(iotest_load(&d->calls), 1);
	IOService_detach(d, IOService_getResourceService());
	OSObject_release(d);
}
END_TEST

/* As states3, with the highest state marked as the one the device is in at registration. */
static IOPMPowerState statesInitial[] = {
        {kIOPMPowerStateVersion1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
        {kIOPMPowerStateVersion1, kIOPMLowPower, 0, kIOPMPowerOn, 0, 0, 0, 0, 0, 0, 0, 0},
        {kIOPMPowerStateVersion1, kIOPMDeviceUsable | kIOPMInitialDeviceState, kIOPMPowerOn, kIOPMPowerOn, 0,
         0, 0, 0, 0, 0, 0, 0},
};

START_TEST(initial_power_change)
{
	PMDev *a, *b, *c;

	/* No desires yet: the initial change still goes to the highest state the parent supplies. */
	plog[0] = 0;
	a = mkdev_states("A", NULL, states3);
	ck_assert_str_eq(plog, "A:2 ");
	ck_assert_uint_eq(IOService_getPowerState(a), 2);
	/* It stays there until a request recomputes the desires. */
	(void)IOService_changePowerStateTo(a, 0);
	WAIT_PM();
	ck_assert_uint_eq(IOService_getPowerState(a), 0);
	/* The parent supplies nothing now: the initial change is 0 -> 0, and still calls the driver. */
	plog[0] = 0;
	b = mkdev_states("B", IOSvc_(a), states3);
	ck_assert_str_eq(plog, "B:0 ");
	/* kIOPMInitialDeviceState on the initial state: no setPowerState, but the state is taken. */
	plog[0] = 0;
	c = mkdev_states("C", NULL, statesInitial);
	ck_assert_str_eq(plog, "");
	ck_assert_uint_eq(IOService_getPowerState(c), 2);
	ck_assert_uint_eq(c->calls, 0);
	(void)IOService_changePowerStateTo(c, 1); /* later changes call it as usual */
	WAIT_PM();
	ck_assert_str_eq(plog, "C:1 ");
	ck_assert_uint_eq(c->calls, 1);
	rmdev(c, NULL);
	rmdev(b, IOSvc_(a));
	rmdev(a, NULL);
}
END_TEST

/* ---- kIOLogPower ---------------------------------------------------------------------------- */

struct pmlog_find {
	const char *name;
	int event;
	int found;
};

/* Count "pm<usec> <thread> <name> <event> ..." lines (XNU's PMLog format). */
static void
pmlog_fn(const struct msgbuf_record *r, const char *text, void *ctx)
{
	struct pmlog_find *f = ctx;
	char line[LOG_LINE_MAX + 1], want[64];
	const char *p;

	memcpy(line, text, r->text_len);
	line[r->text_len] = '\0';
	if (strncmp(line, "pm", 2) != 0 || (p = strchr(line, ' ')) == NULL ||
	    (p = strchr(p + 1, ' ')) == NULL)
		return;
	snprintf(want, sizeof(want), " %s %d ", f->name, f->event);
	if (strncmp(p, want, strlen(want)) == 0)
		f->found++;
}

static int
pmlog_count(const char *name, int event)
{
	struct pmlog_find f = {name, event, 0};

	log_flush_line();
	log_iterate(pmlog_fn, &f);
	return f.found;
}

START_TEST(log_power_flag)
{
	SInt64 saved = gIOKitDebug;
	PMDev *d;

	/* io=0: no PMLog lines. */
	gIOKitDebug = 0;
	d = mkdev("Q0", NULL);
	(void)IOService_changePowerStateTo(d, 2);
	WAIT_PM();
	ck_assert_int_eq(pmlog_count("Q0", kPMLogProgramHardware), 0);
	ck_assert_int_eq(pmlog_count("Q0", kPMLogChangeStateTo), 0);
	rmdev(d, NULL);
	/* io=0x80: each step, setPowerState's call and return (negated), the change done. */
	gIOKitDebug = kIOLogPower;
	d = mkdev("Q1", NULL);
	ck_assert_int_eq(pmlog_count("Q1", kPMLogControllingDriver), 1);
	ck_assert_int_eq(pmlog_count("Q1", kPMLogSetParent), 1);
	(void)IOService_changePowerStateTo(d, 2);
	WAIT_PM();
	ck_assert_int_ge(pmlog_count("Q1", kPMLogChangeStateTo), 2);
	ck_assert_int_ge(pmlog_count("Q1", kPMLogStartDeviceChange), 3);
	ck_assert_int_eq(pmlog_count("Q1", kPMLogProgramHardware), 3); /* initial 2, then 0, then 2 */
	ck_assert_int_eq(pmlog_count("Q1", -kPMLogProgramHardware), 3);
	ck_assert_int_eq(pmlog_count("Q1", kPMLogChangeDone), 3);
	gIOKitDebug = saved;
	rmdev(d, NULL);
}
END_TEST

/* ---- system sleep / wake -------------------------------------------------------------------- */

static char mlog[512];
static int vetoIdle, delayWillSleep;
static void *delayedRef;

static IOReturn
sleep_handler(void *target, void *ref, UInt32 type, IOService *provider, void *arg, vm_size_t size)
{
	IOPowerStateChangeNotification *n = arg;
	char b[32];

	snprintf(b, sizeof(b), "%s%x ", (const char *)ref, type & 0xfff);
	strlcat(mlog, b, sizeof(mlog));
	if (type == kIOMessageCanSystemSleep && vetoIdle)
		(void)vetoSleepWakeNotification(n->powerRef);
	if (type == kIOMessageSystemWillSleep && delayWillSleep && strcmp(ref, "g") == 0) {
		n->returnValue = 5 * 1000 * 1000; /* answers later, from another thread */
		__atomic_store_n(&delayedRef, n->powerRef, __ATOMIC_RELEASE);
	}
	return kIOReturnSuccess;
}

static void
late_acker(void *arg, wait_result_t wr)
{
	void *ref;

	IOSleep(50);
	while ((ref = __atomic_load_n(&delayedRef, __ATOMIC_ACQUIRE)) == NULL)
		IOSleep(1);
	__atomic_store_n((int *)arg, 1, __ATOMIC_RELEASE);
	(void)acknowledgeSleepWakeNotification(ref);
}

START_TEST(system_sleep_messages)
{
	IONotifier *g = registerSleepWakeInterest(sleep_handler, NULL, "g");
	IONotifier *p = registerPrioritySleepWakeInterest(sleep_handler, NULL, "p");
	int acked = 0;

	ck_assert_ptr_nonnull(g);
	ck_assert_ptr_nonnull(p);
	/* Demand sleep: no CanSystemSleep; general before priority on sleep, priority first on wake. */
	mlog[0] = 0;
	delayWillSleep = 1;
	iotest_start(late_acker, &acked);
	ck_assert_int_eq(IOPMrootDomain_sleepSystem(IOService_getPMRootDomain()), kIOReturnSuccess);
	ck_assert_int_eq(__atomic_load_n(&acked, __ATOMIC_ACQUIRE), 1); /* waited for the late answer */
	ck_assert_int_eq(IOPMrootDomain_sleepSystem(IOService_getPMRootDomain()), kIOReturnNotPermitted);
	ck_assert_int_eq(IOPMrootDomain_wakeSystem(IOService_getPMRootDomain()), kIOReturnSuccess);
	ck_assert_str_eq(mlog, "g280 p280 p320 g320 p300 g300 ");
	/* Idle sleep vetoed: CanSystemSleep, then WillNotSleep; the system stays on. */
	mlog[0] = 0;
	delayWillSleep = 0;
	vetoIdle = 1;
	ck_assert_int_eq(IOPMrootDomain_idleSleepSystem(IOService_getPMRootDomain()), kIOReturnAborted);
	ck_assert_str_eq(mlog, "g270 p270 g290 p290 ");
	ck_assert_uint_eq(IOService_getPowerState(IOService_getPMRootDomain()), kIOPMRootOnState);
	/* Allowed: it sleeps. */
	mlog[0] = 0;
	vetoIdle = 0;
	ck_assert_int_eq(IOPMrootDomain_idleSleepSystem(IOService_getPMRootDomain()), kIOReturnSuccess);
	ck_assert_str_eq(mlog, "g270 p270 g280 p280 ");
	ck_assert_uint_eq(IOService_getPowerState(IOService_getPMRootDomain()), kIOPMRootSleepState);
	ck_assert_int_eq(IOPMrootDomain_wakeSystem(IOService_getPMRootDomain()), kIOReturnSuccess);
	/* Stale IDs are ignored. */
	ck_assert_int_eq(acknowledgeSleepWakeNotification((void *)0x12345), kIOReturnSuccess);
	IONotifier_remove(g);
	IONotifier_remove(p);
}
END_TEST

START_TEST(power_plane)
{
	PMDev *d = mkdev("R", NULL);
	IORegistryEntry *rd =
	        IORegistryEntry_fromPath("IOPower:/IOPowerConnection/IOPMrootDomain", NULL, NULL, NULL, NULL);
	IORegistryEntry *conn;

	ck_assert_ptr_nonnull(rd);
	ck_assert_ptr_eq(rd, IORegEntry_(IOService_getPMRootDomain()));
	conn = IORegistryEntry_getParentEntry(d, gIOPowerPlane);
	ck_assert_ptr_nonnull(conn);
	ck_assert_str_eq(OSMetaClass_getClassName(OSObject_getMetaClass(conn)), "IOPowerConnection");
	ck_assert_ptr_eq(IORegistryEntry_getParentEntry(conn, gIOPowerPlane), rd);
	rmdev(d, NULL);
	OSObject_release(rd);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("iokit_pm");
	TCase *tc = ktest_tcase("pm");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, register_validation);
	tcase_add_test(tc, acks_implied_delayed_tardy);
	tcase_add_test(tc, order_three_levels);
	tcase_add_test(tc, max_of_desires_clamped);
	tcase_add_test(tc, idle_timer_steps_down);
	tcase_add_test(tc, interested_drivers);
	tcase_add_test(tc, pmstop_waits_for_callout);
	tcase_add_test(tc, initial_power_change);
	tcase_add_test(tc, log_power_flag);
	tcase_add_test(tc, system_sleep_messages);
	tcase_add_test(tc, power_plane);
	suite_add_tcase(s, tc);
	return s;
}
