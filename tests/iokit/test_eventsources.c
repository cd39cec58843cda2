/*
 * test_eventsources.c — virtual interrupts and the interrupt, filter and
 * timer event sources: controller error codes, delivery on the interrupt
 * thread, coalescing of many interrupts into one action call, lines raised
 * while disabled, level lines, filters refusing interrupts, removal with work
 * pending, and timer firing, cancel and the discard of a firing in flight.
 */
#include "tests/ktest.h"
#include "tests/iokit/iotest.h"
#include <IOKit/IOWorkLoop.h>
#include <IOKit/IOFilterInterruptEventSource.h>
#include <IOKit/IOTimerEventSource.h>
#include <kern/sched_prim.h>

static char nub_storage[2];
#define NUB ((IOService *)(void *)&nub_storage[0])
#define NUB2 ((IOService *)(void *)&nub_storage[1])

struct obs {
	IOWorkLoop *wl;
	uint32_t calls;
	uint32_t sum;
	uint32_t filter_calls;
	uint32_t accept;
	uint32_t bad_context; /* an action or filter ran in the wrong context */
};

static void
handler(OSObject *target, void *refCon, IOService *nub, int source)
{
	struct obs *o = refCon;

	if (!ml_at_interrupt_context()) {
		o->bad_context++;
	}
	__atomic_add_fetch(&o->calls, 1, __ATOMIC_ACQ_REL);
}

START_TEST(controller_errors_and_direct_handler)
{
	struct obs o = {0};
	int type = -1;

	ck_assert_int_eq(IOService_causeInterrupt(NUB, 0), kIOReturnNoInterrupt); /* nothing declared */
	ck_assert_int_eq(IOInterrupts_setSourceCount(NUB, 2, kIOInterruptTypeEdge), kIOReturnSuccess);
	ck_assert_int_eq(IOInterrupts_setSourceCount(NUB, 2, 7), kIOReturnBadArgument);
	ck_assert_int_eq(IOService_registerInterrupt(NUB, 2, NULL, handler, &o), kIOReturnNoInterrupt);
	ck_assert_int_eq(IOService_registerInterrupt(NUB, -1, NULL, handler, &o), kIOReturnNoInterrupt);
	ck_assert_int_eq(IOService_registerInterrupt(NUB2, 0, NULL, handler, &o), kIOReturnNoInterrupt);
	ck_assert_int_eq(IOService_getInterruptType(NUB, 1, &type), kIOReturnSuccess);
	ck_assert_int_eq(type, kIOInterruptTypeEdge);
	ck_assert_int_eq(IOService_registerInterrupt(NUB, 1, NULL, handler, &o), kIOReturnSuccess);
	ck_assert_int_eq(IOService_registerInterrupt(NUB, 1, NULL, handler, &o), kIOReturnNoResources);
	/* Registered lines start disabled: the raise stays pending. */
	ck_assert_int_eq(IOService_causeInterrupt(NUB, 1), kIOReturnSuccess);
	ck_assert_int_eq(IOService_causeInterrupt(NUB, 1), kIOReturnSuccess);
	IOSleep(20);
	ck_assert_uint_eq(iotest_load(&o.calls), 0);
	ck_assert_int_eq(IOService_enableInterrupt(NUB, 1), kIOReturnSuccess);
	ck_assert_uint_eq(iotest_wait_ge(&o.calls, 2), 2); /* edge: every raise is delivered */
	ck_assert_uint_eq(o.bad_context, 0);
	ck_assert(!ml_at_interrupt_context());
	ck_assert_int_eq(IOService_unregisterInterrupt(NUB, 1), kIOReturnSuccess);
	ck_assert_int_eq(IOService_unregisterInterrupt(NUB, 1), kIOReturnSuccess);
	ck_assert_int_eq(IOService_causeInterrupt(NUB, 1), kIOReturnSuccess);
	IOSleep(10);
	ck_assert_uint_eq(iotest_load(&o.calls), 2);
	/* Growing keeps the existing lines. */
	ck_assert_int_eq(IOService_registerInterrupt(NUB, 0, NULL, handler, &o), kIOReturnSuccess);
	ck_assert_int_eq(IOInterrupts_setSourceCount(NUB, 4, kIOInterruptTypeLevel), kIOReturnSuccess);
	ck_assert_int_eq(IOService_registerInterrupt(NUB, 0, NULL, handler, &o), kIOReturnNoResources);
	ck_assert_int_eq(IOService_getInterruptType(NUB, 3, &type), kIOReturnSuccess);
	ck_assert_int_eq(type, kIOInterruptTypeLevel);
	IOInterrupts_nubFree(NUB);
	ck_assert_int_eq(IOService_causeInterrupt(NUB, 0), kIOReturnNoInterrupt);
}
END_TEST

static void
count_action(OSObject *owner, IOInterruptEventSource *sender, int count)
{
	struct obs *o = (struct obs *)(void *)owner;

	if (!IOWorkLoop_onThread(o->wl) || ml_at_interrupt_context()) {
		o->bad_context++;
	}
	__atomic_add_fetch(&o->sum, (uint32_t)count, __ATOMIC_ACQ_REL);
	__atomic_add_fetch(&o->calls, 1, __ATOMIC_ACQ_REL);
}

static IOInterruptEventSource *
attach_source(struct obs *o, int type)
{
	IOInterruptEventSource *s;

	o->wl = IOWorkLoop_workLoop();
	ck_assert_int_eq(IOInterrupts_setSourceCount(NUB, 1, type), kIOReturnSuccess);
	s = IOInterruptEventSource_interruptEventSource((OSObject *)(void *)o, count_action, NUB, 0);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(IOWorkLoop_addEventSource(o->wl, s), kIOReturnSuccess);
	return s;
}

START_TEST(coalesced_interrupts_reach_action_as_one_sum)
{
	struct obs o = {0};
	IOInterruptEventSource *s = attach_source(&o, kIOInterruptTypeEdge);
	int i;

	ck_assert(!IOInterruptEventSource_getAutoDisable(s));
	ck_assert_ptr_eq(IOInterruptEventSource_getProvider(s), NUB);
	IOEventSource_enable(s);
	/* Hold the gate so the loop cannot run the action while interrupts arrive. */
	IOWorkLoop_closeGate(o.wl);
	for (i = 0; i < 100; i++) {
		ck_assert_int_eq(IOService_causeInterrupt(NUB, 0), kIOReturnSuccess);
	}
	ck_assert_uint_eq(iotest_wait_ge((uint32_t *)&s->producerCount, 100), 100);
	ck_assert_uint_eq(iotest_load(&o.calls), 0);
	IOWorkLoop_openGate(o.wl);
	ck_assert_uint_eq(iotest_wait_ge(&o.sum, 100), 100);
	ck_assert_uint_eq(iotest_load(&o.calls), 1);
	ck_assert_uint_eq(o.bad_context, 0);
	IOWorkLoop_removeEventSource(o.wl, s);
	OSObject_release(s);
	OSObject_release(o.wl);
	IOInterrupts_nubFree(NUB);
}
END_TEST

START_TEST(disabled_source_keeps_interrupts_pending)
{
	struct obs o = {0};
	IOInterruptEventSource *s = attach_source(&o, kIOInterruptTypeEdge);

	/* Never enabled: the line is masked. */
	IOService_causeInterrupt(NUB, 0);
	IOService_causeInterrupt(NUB, 0);
	IOService_causeInterrupt(NUB, 0);
	IOSleep(30);
	ck_assert_uint_eq(iotest_load(&o.calls), 0);
	IOEventSource_enable(s);
	ck_assert_uint_eq(iotest_wait_ge(&o.sum, 3), 3);
	IOEventSource_disable(s);
	IOService_causeInterrupt(NUB, 0);
	IOSleep(20);
	ck_assert_uint_eq(iotest_load(&o.sum), 3);
	IOEventSource_enable(s);
	ck_assert_uint_eq(iotest_wait_ge(&o.sum, 4), 4);
	OSObject_release(o.wl); /* detaches and unregisters */
	ck_assert_int_eq(IOService_registerInterrupt(NUB, 0, NULL, handler, &o), kIOReturnSuccess);
	OSObject_release(s);
	IOInterrupts_nubFree(NUB);
}
END_TEST

START_TEST(level_line_auto_disables_until_action_ran)
{
	struct obs o = {0};
	IOInterruptEventSource *s = attach_source(&o, kIOInterruptTypeLevel);
	uint32_t seen;
	int i;

	ck_assert(IOInterruptEventSource_getAutoDisable(s));
	IOEventSource_enable(s);
	IOWorkLoop_closeGate(o.wl);
	for (i = 0; i < 10; i++) {
		IOService_causeInterrupt(NUB, 0);
	}
	ck_assert_uint_eq(iotest_wait_ge((uint32_t *)&s->producerCount, 1), 1);
	IOSleep(10);
	/* Masked after the first: a level line is one interrupt until serviced. */
	ck_assert_uint_eq(iotest_load((uint32_t *)&s->producerCount), 1);
	IOWorkLoop_openGate(o.wl);
	/* Raises after the handler masked the line leave it asserted: one more may follow. */
	ck_assert_uint_ge(iotest_wait_ge(&o.sum, 1), 1);
	IOSleep(10);
	seen = iotest_load(&o.sum);
	ck_assert_uint_le(seen, 2);
	/* Re-enabled after the action: a new raise comes through. */
	IOService_causeInterrupt(NUB, 0);
	ck_assert_uint_ge(iotest_wait_ge(&o.sum, seen + 1), seen + 1);
	IOWorkLoop_removeEventSource(o.wl, s);
	OSObject_release(s);
	OSObject_release(o.wl);
	IOInterrupts_nubFree(NUB);
}
END_TEST

static bool
filter(OSObject *owner, IOFilterInterruptEventSource *sender)
{
	struct obs *o = (struct obs *)(void *)owner;

	if (!ml_at_interrupt_context()) {
		o->bad_context++;
	}
	__atomic_add_fetch(&o->filter_calls, 1, __ATOMIC_ACQ_REL);
	return __atomic_load_n(&o->accept, __ATOMIC_ACQUIRE) != 0;
}

START_TEST(filter_decides_in_interrupt_context)
{
	struct obs o = {.wl = IOWorkLoop_workLoop()};
	IOFilterInterruptEventSource *s;

	ck_assert_int_eq(IOInterrupts_setSourceCount(NUB, 1, kIOInterruptTypeEdge), kIOReturnSuccess);
	ck_assert_ptr_null(IOFilterInterruptEventSource_filterInterruptEventSource(
	        (OSObject *)(void *)&o, count_action, NULL, NUB, 0));
	s = IOFilterInterruptEventSource_filterInterruptEventSource((OSObject *)(void *)&o, count_action,
	                                                            filter, NUB, 0);
	ck_assert_ptr_nonnull(s);
	ck_assert(IOFilterInterruptEventSource_getFilterAction(s) == filter);
	IOWorkLoop_addEventSource(o.wl, s);
	IOEventSource_enable(s);
	IOService_causeInterrupt(NUB, 0);
	IOService_causeInterrupt(NUB, 0);
	ck_assert_uint_eq(iotest_wait_ge(&o.filter_calls, 2), 2);
	IOSleep(20);
	ck_assert_uint_eq(iotest_load(&o.calls), 0); /* refused: no action */
	__atomic_store_n(&o.accept, 1, __ATOMIC_RELEASE);
	IOService_causeInterrupt(NUB, 0);
	ck_assert_uint_eq(iotest_wait_ge(&o.sum, 1), 1);
	IOSleep(10);
	ck_assert_uint_eq(iotest_load(&o.sum), 1);
	ck_assert_uint_eq(o.bad_context, 0);
	OSObject_release(o.wl);
	OSObject_release(s);
	IOInterrupts_nubFree(NUB);
}
END_TEST

START_TEST(remove_source_with_work_pending_drops_it)
{
	struct obs o = {0};
	IOInterruptEventSource *s = attach_source(&o, kIOInterruptTypeEdge);

	IOEventSource_enable(s);
	IOWorkLoop_closeGate(o.wl);
	IOService_causeInterrupt(NUB, 0);
	IOService_causeInterrupt(NUB, 0);
	ck_assert_uint_eq(iotest_wait_ge((uint32_t *)&s->producerCount, 2), 2);
	ck_assert_int_eq(IOWorkLoop_removeEventSource(o.wl, s), kIOReturnSuccess);
	IOWorkLoop_openGate(o.wl);
	IOSleep(30);
	ck_assert_uint_eq(iotest_load(&o.calls), 0);
	/* The handler is unregistered: the line is free again. */
	ck_assert_int_eq(IOService_registerInterrupt(NUB, 0, NULL, handler, &o), kIOReturnSuccess);
	OSObject_release(s);
	OSObject_release(o.wl);
	IOInterrupts_nubFree(NUB);
}
END_TEST

START_TEST(software_interrupt_source)
{
	struct obs o = {.wl = IOWorkLoop_workLoop()};
	IOInterruptEventSource *s =
	        IOInterruptEventSource_interruptEventSource((OSObject *)(void *)&o, count_action, NULL, 0);

	ck_assert_ptr_null(
	        IOInterruptEventSource_interruptEventSource((OSObject *)(void *)&o, count_action, NULL, -1));
	/* A provider without that interrupt: init fails. */
	ck_assert_ptr_null(
	        IOInterruptEventSource_interruptEventSource((OSObject *)(void *)&o, count_action, NUB2, 0));
	IOWorkLoop_addEventSource(o.wl, s);
	IOInterruptEventSource_interruptOccurred(s, NULL, NULL, 0);
	ck_assert_uint_eq(iotest_wait_ge(&o.sum, 1), 1);
	OSObject_release(o.wl);
	OSObject_release(s);
}
END_TEST

/* ---- timers ---- */

struct tobs {
	IOWorkLoop *wl;
	uint32_t fired;
	uint32_t bad_context;
};

static void
timer_action(OSObject *owner, IOTimerEventSource *sender)
{
	struct tobs *t = (struct tobs *)(void *)owner;

	if (!IOWorkLoop_onThread(t->wl) || !IOWorkLoop_inGate(t->wl)) {
		t->bad_context++;
	}
	__atomic_add_fetch(&t->fired, 1, __ATOMIC_ACQ_REL);
}

static IOTimerEventSource *
make_timer(struct tobs *t)
{
	IOTimerEventSource *s;

	t->wl = IOWorkLoop_workLoop();
	s = IOTimerEventSource_timerEventSource((OSObject *)(void *)t, timer_action);
	ck_assert_ptr_nonnull(s);
	IOWorkLoop_addEventSource(t->wl, s);
	return s;
}

START_TEST(timer_fires_once_on_the_loop)
{
	struct tobs t = {0};
	IOTimerEventSource *s = make_timer(&t);
	uint64_t t0 = mach_absolute_time();

	ck_assert_int_eq(IOTimerEventSource_setTimeoutMS(s, 5), kIOReturnSuccess);
	ck_assert_uint_eq(iotest_wait_ge(&t.fired, 1), 1);
	ck_assert(mach_absolute_time() - t0 >= 5ull * 1000 * 1000);
	IOSleep(20);
	ck_assert_uint_eq(iotest_load(&t.fired), 1);
	ck_assert_int_eq(IOTimerEventSource_setTimeoutUS(s, 100), kIOReturnSuccess);
	ck_assert_uint_eq(iotest_wait_ge(&t.fired, 2), 2);
	ck_assert_int_eq(IOTimerEventSource_setTimeoutTicks(s, 1), kIOReturnSuccess);
	ck_assert_uint_eq(iotest_wait_ge(&t.fired, 3), 3);
	ck_assert_uint_eq(t.bad_context, 0);
	OSObject_release(t.wl);
	OSObject_release(s);
}
END_TEST

START_TEST(timer_without_action_is_refused)
{
	IOTimerEventSource *s = IOTimerEventSource_timerEventSource(NULL, NULL);

	ck_assert_int_eq(IOTimerEventSource_setTimeoutMS(s, 5), kIOReturnNoResources);
	OSObject_release(s);
}
END_TEST

START_TEST(timer_cancel_before_deadline)
{
	struct tobs t = {0};
	IOTimerEventSource *s = make_timer(&t);

	IOTimerEventSource_setTimeoutMS(s, 30);
	IOTimerEventSource_cancelTimeout(s);
	IOSleep(80);
	ck_assert_uint_eq(iotest_load(&t.fired), 0);
	OSObject_release(t.wl);
	OSObject_release(s);
}
END_TEST

START_TEST(timer_cancel_discards_firing_in_flight)
{
	struct tobs t = {0};
	IOTimerEventSource *s = make_timer(&t);

	/* With the gate held the firing reaches the loop but cannot run... */
	IOWorkLoop_closeGate(t.wl);
	IOTimerEventSource_setTimeoutUS(s, 1);
	ck_assert_uint_ne(iotest_wait_ge((uint32_t *)&s->firedGeneration, 1), 0);
	/* ...and cancelling now must still stop the action. */
	IOTimerEventSource_cancelTimeout(s);
	IOWorkLoop_openGate(t.wl);
	IOSleep(30);
	ck_assert_uint_eq(iotest_load(&t.fired), 0);

	/* Same with a re-arm: only the new deadline counts. */
	IOWorkLoop_closeGate(t.wl);
	IOTimerEventSource_setTimeoutUS(s, 1);
	ck_assert_uint_ne(iotest_wait_ge((uint32_t *)&s->firedGeneration, 1), 0);
	IOTimerEventSource_setTimeoutMS(s, 20);
	IOWorkLoop_openGate(t.wl);
	IOSleep(5);
	ck_assert_uint_eq(iotest_load(&t.fired), 0);
	ck_assert_uint_eq(iotest_wait_ge(&t.fired, 1), 1);
	OSObject_release(t.wl);
	OSObject_release(s);
}
END_TEST

START_TEST(timer_disable_cancels_and_enable_rearms)
{
	struct tobs t = {0};
	IOTimerEventSource *s = make_timer(&t);

	IOTimerEventSource_setTimeoutMS(s, 20);
	IOEventSource_disable(s);
	IOSleep(50);
	ck_assert_uint_eq(iotest_load(&t.fired), 0);
	IOEventSource_enable(s); /* the deadline has passed: fires at once */
	ck_assert_uint_eq(iotest_wait_ge(&t.fired, 1), 1);
	OSObject_release(t.wl);
	OSObject_release(s);
}
END_TEST

static void
timer_race_thread(void *arg, wait_result_t wr)
{
	IOTimerEventSource *s = arg;
	int i;

	for (i = 0; i < 2000; i++) {
		IOTimerEventSource_setTimeoutUS(s, (UInt32)(i % 5));
		if (i & 1) {
			IOTimerEventSource_cancelTimeout(s);
		}
	}
	OSObject_release(s);
}

START_TEST(timer_arm_cancel_stress)
{
	struct tobs t = {0};
	IOTimerEventSource *s = make_timer(&t);

	OSObject_retain(s);
	iotest_start(timer_race_thread, s);
	IOSleep(50);
	/* A last arm, under the gate: exactly this one must fire later. */
	IOWorkLoop_closeGate(t.wl);
	IOTimerEventSource_setTimeoutMS(s, 1);
	IOWorkLoop_openGate(t.wl);
	ck_assert_uint_ge(iotest_wait_ge(&t.fired, 1), 1);
	ck_assert_uint_eq(t.bad_context, 0);
	OSObject_release(t.wl);
	OSObject_release(s);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("eventsources");
	TCase *tc = ktest_tcase("interrupts");
	TCase *tt = ktest_tcase("timers");

	tcase_add_test(tc, controller_errors_and_direct_handler);
	tcase_add_test(tc, coalesced_interrupts_reach_action_as_one_sum);
	tcase_add_test(tc, disabled_source_keeps_interrupts_pending);
	tcase_add_test(tc, level_line_auto_disables_until_action_ran);
	tcase_add_test(tc, filter_decides_in_interrupt_context);
	tcase_add_test(tc, remove_source_with_work_pending_drops_it);
	tcase_add_test(tc, software_interrupt_source);
	tcase_add_test(tt, timer_fires_once_on_the_loop);
	tcase_add_test(tt, timer_without_action_is_refused);
	tcase_add_test(tt, timer_cancel_before_deadline);
	tcase_add_test(tt, timer_cancel_discards_firing_in_flight);
	tcase_add_test(tt, timer_disable_cancels_and_enable_rearms);
	tcase_add_test(tt, timer_arm_cancel_stress);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tt);
	return s;
}
