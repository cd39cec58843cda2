/*
 * test_workloop.c — IOWorkLoop and IOCommandGate: runAction on the caller's
 * thread with a recursive gate, sleepGate, command gates (runCommand,
 * attemptAction, commandSleep/commandWakeup, disable/enable, removal waking
 * stalled callers), and freeing a loop with sources from another thread or
 * from the loop's own thread.
 */
#include "tests/ktest.h"
#include "tests/iokit/iotest.h"
#include <IOKit/IOWorkLoop.h>
#include <IOKit/IOCommandGate.h>
#include <IOKit/IOInterruptEventSource.h>
#include <IOKit/IOTimerEventSource.h>
#include <kern/sched_prim.h>
#include "iokit/Kernel/IOLib_internal.h"

struct rec {
	IOWorkLoop *wl;
	IOCommandGate *gate;
	thread_t thread;
	uint32_t depth;
	uint32_t in_gate;
	uint32_t calls;
	uint32_t flag;
	uint32_t asleep;
	uint32_t done;
	IOReturn ret;
};

static IOReturn
nested_action(OSObject *target, void *a0, void *a1, void *a2, void *a3)
{
	struct rec *r = a0;

	r->thread = current_thread();
	r->in_gate = IOWorkLoop_inGate(r->wl);
	if (r->depth++ < 3) {
		/* The gate is recursive: the same thread enters again. */
		return IOWorkLoop_runAction(r->wl, nested_action, target, r, NULL, NULL, NULL);
	}
	return (IOReturn)(uintptr_t)a1 + 7;
}

START_TEST(runaction_on_caller_thread_with_recursive_gate)
{
	struct rec r = {.wl = IOWorkLoop_workLoop()};

	ck_assert_ptr_nonnull(r.wl);
	ck_assert(!IOWorkLoop_inGate(r.wl));
	ck_assert(!IOWorkLoop_onThread(r.wl));
	ck_assert_ptr_nonnull(IOWorkLoop_getThread(r.wl));
	ck_assert_int_eq(IOWorkLoop_runAction(r.wl, nested_action, NULL, &r, NULL, NULL, NULL), 7);
	ck_assert_ptr_eq(r.thread, current_thread());
	ck_assert_uint_eq(r.in_gate, 1);
	ck_assert_uint_eq(r.depth, 4);
	ck_assert(!IOWorkLoop_inGate(r.wl));
	ck_assert_int_eq(IOWorkLoop_runAction(r.wl, NULL, NULL, NULL, NULL, NULL, NULL),
	                 kIOReturnBadArgument);
	ck_assert_int_eq(IOWorkLoop_sleepGate(r.wl, &r, THREAD_UNINT), kIOReturnNotPermitted);
	OSObject_release(r.wl);
}
END_TEST

static void
gate_holder(void *arg, wait_result_t wr)
{
	struct rec *r = arg;

	IOWorkLoop_closeGate(r->wl);
	__atomic_store_n(&r->asleep, 1, __ATOMIC_RELEASE);
	while (!iotest_load(&r->flag)) {
		IOSleep(1);
	}
	IOWorkLoop_openGate(r->wl);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
}

static IOReturn
count_action(OSObject *owner, void *a0, void *a1, void *a2, void *a3)
{
	struct rec *r = a0;

	r->calls++;
	r->thread = current_thread();
	return kIOReturnSuccess;
}

START_TEST(command_gate_run_and_attempt)
{
	struct rec r = {.wl = IOWorkLoop_workLoop()};
	IOCommandGate *g = IOCommandGate_commandGate(NULL, count_action);

	ck_assert_ptr_nonnull(g);
	/* Not on a loop yet: no gate to close. */
	ck_assert_int_eq(IOCommandGate_runCommand(g, &r, NULL, NULL, NULL), kIOReturnNotReady);
	ck_assert_int_eq(IOWorkLoop_addEventSource(r.wl, g), kIOReturnSuccess);
	ck_assert_ptr_eq(IOEventSource_getWorkLoop(g), r.wl);
	ck_assert_int_eq(IOCommandGate_runCommand(g, &r, NULL, NULL, NULL), kIOReturnSuccess);
	ck_assert_int_eq(IOCommandGate_runAction(g, count_action, &r, NULL, NULL, NULL), kIOReturnSuccess);
	ck_assert_int_eq(IOCommandGate_attemptCommand(g, &r, NULL, NULL, NULL), kIOReturnSuccess);
	ck_assert_int_eq(IOCommandGate_runAction(g, NULL, NULL, NULL, NULL, NULL), kIOReturnBadArgument);
	ck_assert_uint_eq(r.calls, 3);
	ck_assert_ptr_eq(r.thread, current_thread());

	/* Another thread holds the gate: attempt fails at once. */
	iotest_start(gate_holder, &r);
	ck_assert_uint_eq(iotest_wait_ge(&r.asleep, 1), 1);
	ck_assert_int_eq(IOCommandGate_attemptCommand(g, &r, NULL, NULL, NULL), kIOReturnCannotLock);
	__atomic_store_n(&r.flag, 1, __ATOMIC_RELEASE);
	ck_assert_uint_eq(iotest_wait_ge(&r.done, 1), 1);

	/* Disabled: attempt is refused off the loop's thread. */
	IOEventSource_disable(g);
	ck_assert_int_eq(IOCommandGate_attemptCommand(g, &r, NULL, NULL, NULL), kIOReturnNotPermitted);
	IOEventSource_enable(g);
	ck_assert_int_eq(IOCommandGate_attemptCommand(g, &r, NULL, NULL, NULL), kIOReturnSuccess);
	ck_assert_uint_eq(r.calls, 4);
	ck_assert_int_eq(IOWorkLoop_removeEventSource(r.wl, g), kIOReturnSuccess);
	ck_assert_int_eq(IOWorkLoop_removeEventSource(r.wl, g), kIOReturnBadArgument);
	OSObject_release(g);
	OSObject_release(r.wl);
}
END_TEST

static IOReturn
sleep_action(OSObject *owner, void *a0, void *a1, void *a2, void *a3)
{
	struct rec *r = a0;

	__atomic_store_n(&r->asleep, 1, __ATOMIC_RELEASE);
	while (!r->flag) {
		r->ret = IOCommandGate_commandSleep(r->gate, &r->flag, THREAD_UNINT);
	}
	r->in_gate = IOWorkLoop_inGate(r->wl);
	return kIOReturnSuccess;
}

static IOReturn
wake_action(OSObject *owner, void *a0, void *a1, void *a2, void *a3)
{
	struct rec *r = a0;

	r->flag = 1;
	IOCommandGate_commandWakeup(r->gate, &r->flag, false);
	return kIOReturnSuccess;
}

static void
run_sleeper(void *arg, wait_result_t wr)
{
	struct rec *r = arg;
	IOReturn ret = IOCommandGate_runAction(r->gate, sleep_action, r, NULL, NULL, NULL);

	r->calls = (uint32_t)ret;
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
}

START_TEST(command_sleep_releases_gate_until_wakeup)
{
	struct rec r = {.wl = IOWorkLoop_workLoop()};

	r.gate = IOCommandGate_commandGate(NULL, NULL);
	IOWorkLoop_addEventSource(r.wl, r.gate);
	iotest_start(run_sleeper, &r);
	ck_assert_uint_eq(iotest_wait_ge(&r.asleep, 1), 1);
	/* The sleeper holds the gate but sleeps: our runAction gets through. */
	ck_assert_int_eq(IOCommandGate_runAction(r.gate, wake_action, &r, NULL, NULL, NULL),
	                 kIOReturnSuccess);
	ck_assert_uint_eq(iotest_wait_ge(&r.done, 1), 1);
	ck_assert_int_eq(r.ret, THREAD_AWAKENED);
	ck_assert_uint_eq(r.in_gate, 1);
	ck_assert_uint_eq(r.calls, kIOReturnSuccess);
	IOWorkLoop_removeEventSource(r.wl, r.gate);
	OSObject_release(r.gate);
	OSObject_release(r.wl);
}
END_TEST

static IOReturn
deadline_action(OSObject *owner, void *a0, void *a1, void *a2, void *a3)
{
	struct rec *r = a0;
	uint64_t deadline;

	clock_interval_to_deadline(2, kMillisecondScale, &deadline);
	return IOCommandGate_commandSleepDeadline(r->gate, &r->flag, deadline, THREAD_UNINT);
}

START_TEST(command_sleep_deadline_times_out)
{
	struct rec r = {.wl = IOWorkLoop_workLoop()};

	r.gate = IOCommandGate_commandGate(NULL, NULL);
	IOWorkLoop_addEventSource(r.wl, r.gate);
	ck_assert_int_eq(IOCommandGate_runAction(r.gate, deadline_action, &r, NULL, NULL, NULL),
	                 THREAD_TIMED_OUT);
	OSObject_release(r.wl); /* releases the gate's attachment */
	ck_assert_ptr_null(IOEventSource_getWorkLoop(r.gate));
	OSObject_release(r.gate);
}
END_TEST

START_TEST(command_sleep_without_gate_panics)
{
	struct rec r = {.wl = IOWorkLoop_workLoop()};

	r.gate = IOCommandGate_commandGate(NULL, NULL);
	IOWorkLoop_addEventSource(r.wl, r.gate);
	IOCommandGate_commandSleep(r.gate, &r, THREAD_UNINT);
}
END_TEST

static void
run_counter(void *arg, wait_result_t wr)
{
	struct rec *r = arg;

	__atomic_store_n(&r->asleep, 1, __ATOMIC_RELEASE);
	r->ret = IOCommandGate_runAction(r->gate, count_action, r, NULL, NULL, NULL);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
}

START_TEST(disabled_gate_stalls_callers_until_enabled)
{
	struct rec r = {.wl = IOWorkLoop_workLoop()};

	r.gate = IOCommandGate_commandGate(NULL, NULL);
	IOWorkLoop_addEventSource(r.wl, r.gate);
	IOEventSource_disable(r.gate);
	ck_assert(!IOEventSource_isEnabled(r.gate));
	iotest_start(run_counter, &r);
	ck_assert_uint_eq(iotest_wait_ge(&r.asleep, 1), 1);
	IOSleep(30);
	ck_assert_uint_eq(iotest_load(&r.done), 0); /* stalled */
	ck_assert_uint_eq(r.calls, 0);
	IOEventSource_enable(r.gate);
	ck_assert_uint_eq(iotest_wait_ge(&r.done, 1), 1);
	ck_assert_int_eq(r.ret, kIOReturnSuccess);
	ck_assert_uint_eq(r.calls, 1);
	IOWorkLoop_removeEventSource(r.wl, r.gate);
	OSObject_release(r.gate);
	OSObject_release(r.wl);
}
END_TEST

START_TEST(removing_a_disabled_gate_aborts_stalled_callers)
{
	struct rec r = {.wl = IOWorkLoop_workLoop()};

	r.gate = IOCommandGate_commandGate(NULL, NULL);
	IOWorkLoop_addEventSource(r.wl, r.gate);
	IOEventSource_disable(r.gate);
	iotest_start(run_counter, &r);
	ck_assert_uint_eq(iotest_wait_ge(&r.asleep, 1), 1);
	IOSleep(20);
	ck_assert_int_eq(IOWorkLoop_removeEventSource(r.wl, r.gate), kIOReturnSuccess);
	ck_assert_uint_eq(iotest_wait_ge(&r.done, 1), 1);
	ck_assert_int_eq(r.ret, kIOReturnAborted);
	ck_assert_uint_eq(r.calls, 0);
	OSObject_release(r.gate);
	OSObject_release(r.wl);
}
END_TEST

static void
nop_timer(OSObject *owner, IOTimerEventSource *sender)
{
}

static void
nop_intr(OSObject *owner, IOInterruptEventSource *sender, int count)
{
}

START_TEST(free_loop_with_sources)
{
	unsigned base_wl = OSMetaClass_getInstanceCount(OSTypeID(IOWorkLoop));
	int64_t base_bytes = iolib_malloc_bytes;
	IOWorkLoop *wl = IOWorkLoop_workLoop();
	IOCommandGate *g = IOCommandGate_commandGate(NULL, NULL);
	IOTimerEventSource *t = IOTimerEventSource_timerEventSource(NULL, nop_timer);
	IOInterruptEventSource *i = IOInterruptEventSource_interruptEventSource(NULL, nop_intr, NULL, 0);

	ck_assert_uint_eq(OSMetaClass_getInstanceCount(OSTypeID(IOWorkLoop)), base_wl + 1);
	IOWorkLoop_addEventSource(wl, g);
	IOWorkLoop_addEventSource(wl, t);
	IOWorkLoop_addEventSource(wl, i);
	ck_assert_int_eq(OSObject_getRetainCount(t), 2);
	IOTimerEventSource_setTimeoutMS(t, 1000);
	OSObject_release(wl); /* synchronous: the thread is gone and the sources detached */
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(OSTypeID(IOWorkLoop)), base_wl);
	ck_assert_ptr_null(IOEventSource_getWorkLoop(g));
	ck_assert_ptr_null(IOEventSource_getWorkLoop(t));
	ck_assert_ptr_null(IOEventSource_getWorkLoop(i));
	ck_assert_int_eq(OSObject_getRetainCount(t), 1);
	OSObject_release(g);
	OSObject_release(t);
	OSObject_release(i);
	ck_assert_int_eq(iolib_malloc_bytes, base_bytes);
}
END_TEST

struct selffree {
	IOWorkLoop *wl;
	uint32_t ran;
};

static void
release_loop_from_its_thread(OSObject *owner, IOInterruptEventSource *sender, int count)
{
	struct selffree *sf = (struct selffree *)(void *)owner;

	ck_assert(IOWorkLoop_onThread(sf->wl));
	OSObject_release(sf->wl); /* the last reference, on the loop's own thread */
	__atomic_store_n(&sf->ran, 1, __ATOMIC_RELEASE);
}

START_TEST(last_release_on_loop_thread_completes_later)
{
	unsigned base_wl = OSMetaClass_getInstanceCount(OSTypeID(IOWorkLoop));
	struct selffree sf = {.wl = IOWorkLoop_workLoop()};
	IOInterruptEventSource *i = IOInterruptEventSource_interruptEventSource(
	        (OSObject *)(void *)&sf, release_loop_from_its_thread, NULL, 0);
	uint64_t end = mach_absolute_time() + IOTEST_LIMIT_NS;

	IOWorkLoop_addEventSource(sf.wl, i);
	IOInterruptEventSource_interruptOccurred(i, NULL, NULL, 0);
	ck_assert_uint_eq(iotest_wait_ge(&sf.ran, 1), 1);
	while (OSMetaClass_getInstanceCount(OSTypeID(IOWorkLoop)) != base_wl && mach_absolute_time() < end) {
		IOSleep(1);
	}
	ck_assert_uint_eq(OSMetaClass_getInstanceCount(OSTypeID(IOWorkLoop)), base_wl);
	ck_assert_ptr_null(IOEventSource_getWorkLoop(i));
	OSObject_release(i);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("workloop");
	TCase *tc = ktest_tcase("workloop");

	tcase_add_test(tc, runaction_on_caller_thread_with_recursive_gate);
	tcase_add_test(tc, command_gate_run_and_attempt);
	tcase_add_test(tc, command_sleep_releases_gate_until_wakeup);
	tcase_add_test(tc, command_sleep_deadline_times_out);
	tcase_add_exit_test(tc, command_sleep_without_gate_panics, 70);
	tcase_add_test(tc, disabled_gate_stalls_callers_until_enabled);
	tcase_add_test(tc, removing_a_disabled_gate_aborts_stalled_callers);
	tcase_add_test(tc, free_loop_with_sources);
	tcase_add_test(tc, last_release_on_loop_thread_completes_later);
	suite_add_tcase(s, tc);
	return s;
}
