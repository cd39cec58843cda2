/*
 * k_iokit_wl.c — kernel side of the I/O Kit work-loop benchmark: command
 * gate throughput against a bare mutex, and the latency from raising a
 * virtual interrupt to the action running on the work loop against a plain
 * msleep/wakeup between two kernel threads. Latencies are per sample; the
 * raising thread spins until the other side has recorded its time.
 */
#include <stdbool.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <kern/clock.h>
#include <kern/locks.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include <IOKit/IOCommandGate.h>
#include <IOKit/IOInterruptEventSource.h>
#include <IOKit/IOWorkLoop.h>
#include "bench/k_iokit_wl.h"

#define KBWL_LIMIT_NS (5ull * 1000 * 1000 * 1000)

static volatile uint64_t kbwl_sink;

static __attribute__((__noinline__)) IOReturn
kbwl_action(OSObject *owner, void *a0, void *a1, void *a2, void *a3)
{
	kbwl_sink++;
	return kIOReturnSuccess;
}

int64_t
k_iokit_wl_gate(uint32_t iters)
{
	IOWorkLoop *wl = IOWorkLoop_workLoop();
	IOCommandGate *g = IOCommandGate_commandGate(NULL, kbwl_action);
	uint64_t t0, t1;
	int64_t ret = -1;

	if (wl == NULL || g == NULL || IOWorkLoop_addEventSource(wl, g) != kIOReturnSuccess) {
		goto out;
	}
	t0 = mach_absolute_time();
	for (uint32_t i = 0; i < iters; i++) {
		(void)IOCommandGate_runAction(g, kbwl_action, NULL, NULL, NULL, NULL);
	}
	t1 = mach_absolute_time();
	ret = (int64_t)(t1 - t0);
out:
	OSSafeReleaseNULL(wl);
	OSSafeReleaseNULL(g);
	return ret;
}

int64_t
k_iokit_wl_mutex(uint32_t iters)
{
	lck_grp_t *grp = lck_grp_alloc_init("kbwl", LCK_GRP_ATTR_NULL);
	lck_mtx_t *m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	IOReturn (*volatile fn)(OSObject *, void *, void *, void *, void *) = kbwl_action;
	uint64_t t0, t1;

	t0 = mach_absolute_time();
	for (uint32_t i = 0; i < iters; i++) {
		lck_mtx_lock(m);
		(void)fn(NULL, NULL, NULL, NULL, NULL);
		lck_mtx_unlock(m);
	}
	t1 = mach_absolute_time();
	lck_mtx_free(m, grp);
	lck_grp_free(grp);
	return (int64_t)(t1 - t0);
}

/* ---- interrupt to action ---- */

struct kbwl_irq {
	uint64_t seen_at;
	uint32_t seen;
};

static void
kbwl_irq_action(OSObject *owner, IOInterruptEventSource *sender, int count)
{
	struct kbwl_irq *k = (struct kbwl_irq *)(void *)owner;

	__atomic_store_n(&k->seen_at, mach_absolute_time(), __ATOMIC_RELAXED);
	__atomic_add_fetch(&k->seen, (uint32_t)count, __ATOMIC_RELEASE);
}

/* Spin until *v reaches want; false on timeout. */
static bool
kbwl_spin(uint32_t *v, uint32_t want)
{
	uint64_t end = mach_absolute_time() + KBWL_LIMIT_NS;

	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) < want) {
		if (mach_absolute_time() > end) {
			return false;
		}
		__builtin_ia32_pause();
	}
	return true;
}

int64_t
k_iokit_wl_irq_latency(uint32_t samples, int64_t *out)
{
	static char nub_storage;
	IOService *nub = (IOService *)(void *)&nub_storage;
	struct kbwl_irq k = {0};
	IOWorkLoop *wl = IOWorkLoop_workLoop();
	IOInterruptEventSource *s = NULL;
	int64_t ret = -1;
	uint64_t t0;

	if (wl == NULL || IOInterrupts_setSourceCount(nub, 1, kIOInterruptTypeEdge) != kIOReturnSuccess) {
		goto out;
	}
	s = IOInterruptEventSource_interruptEventSource((OSObject *)(void *)&k, kbwl_irq_action, nub, 0);
	if (s == NULL || IOWorkLoop_addEventSource(wl, s) != kIOReturnSuccess) {
		goto out;
	}
	IOEventSource_enable(s);
	for (uint32_t i = 0; i < samples; i++) {
		t0 = mach_absolute_time();
		(void)IOService_causeInterrupt(nub, 0);
		if (!kbwl_spin(&k.seen, i + 1)) {
			goto out;
		}
		out[i] = (int64_t)(__atomic_load_n(&k.seen_at, __ATOMIC_RELAXED) - t0);
		IODelay(20); /* let both threads go back to sleep, as between real interrupts */
	}
	ret = samples;
out:
	if (s != NULL && wl != NULL) {
		IOWorkLoop_removeEventSource(wl, s);
	}
	OSSafeReleaseNULL(s);
	OSSafeReleaseNULL(wl);
	IOInterrupts_nubFree(nub);
	return ret;
}

/* ---- baseline: msleep / wakeup ---- */

struct kbwl_wake {
	lck_mtx_t *m;
	uint32_t posted; /* under m */
	uint32_t stop;   /* under m */
	uint32_t seen;
	uint64_t seen_at;
	uint32_t exited;
};

static void
kbwl_sleeper(void *arg, wait_result_t wr)
{
	struct kbwl_wake *w = arg;
	uint32_t handled = 0;

	lck_mtx_lock(w->m);
	for (;;) {
		while (w->posted == handled && !w->stop) {
			(void)msleep(&w->posted, w->m, PZERO, "kbwl", NULL);
		}
		if (w->stop) {
			break;
		}
		handled = w->posted;
		__atomic_store_n(&w->seen_at, mach_absolute_time(), __ATOMIC_RELAXED);
		__atomic_store_n(&w->seen, handled, __ATOMIC_RELEASE);
	}
	lck_mtx_unlock(w->m);
	__atomic_store_n(&w->exited, 1, __ATOMIC_RELEASE);
}

int64_t
k_iokit_wl_wakeup_latency(uint32_t samples, int64_t *out)
{
	lck_grp_t *grp = lck_grp_alloc_init("kbwl", LCK_GRP_ATTR_NULL);
	struct kbwl_wake w = {.m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL)};
	thread_t t;
	int64_t ret = -1;
	uint64_t t0;

	if (kernel_thread_start(kbwl_sleeper, &w, &t) != KERN_SUCCESS) {
		goto out;
	}
	thread_deallocate(t);
	IODelay(1000);
	for (uint32_t i = 0; i < samples; i++) {
		t0 = mach_absolute_time();
		lck_mtx_lock(w.m);
		w.posted++;
		lck_mtx_unlock(w.m);
		wakeup(&w.posted);
		if (!kbwl_spin(&w.seen, i + 1)) {
			break;
		}
		out[i] = (int64_t)(__atomic_load_n(&w.seen_at, __ATOMIC_RELAXED) - t0);
		IODelay(20);
	}
	ret = samples;
	lck_mtx_lock(w.m);
	w.stop = 1;
	lck_mtx_unlock(w.m);
	wakeup(&w.posted);
	(void)kbwl_spin(&w.exited, 1);
out:
	lck_mtx_free(w.m, grp);
	lck_grp_free(grp);
	return ret;
}
