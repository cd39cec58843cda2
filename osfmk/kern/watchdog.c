/*
 * watchdog.c — the deadlock watchdog, behind the watchdog=<seconds>
 * boot-arg (watchdog_panic=1 panics after the first report).
 *
 * A thread that is about to sleep records what it waits for (a contended
 * lck_mtx or lck_rw and its owner, or the event of assert_wait/msleep with
 * msleep's wmesg), when, and its backtrace at that moment: the watchdog
 * cannot walk another thread's stack, so the blocked thread leaves its
 * stack behind. A kernel thread, "watchdog", looks at every thread record
 * each bound/2 seconds and reports each wait older than the bound, once
 * per wait:
 *
 *     watchdog: thread 0x... (tid 105 "name") has waited 12 s for mutex 0x... (group "g"),
 *               held by thread 0x... (tid 104 "other")
 *     watchdog: thread 0x... (tid 106) has waited 12 s in msleep "wmesg" (channel 0x...)
 *       backtrace when it blocked:
 *       #0 <frame> ...
 *
 * Kernel daemon threads that wait for work (thread_call, config and
 * work-loop threads, the request server) mark themselves with
 * watchdog_idle_wait(): their event waits are not reported, their lock
 * waits are. Spin locks never sleep (their own timeout panics).
 */
#include <sys/systm.h>
#include <kern/debug.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include <pexpert/pexpert.h>
#include "host/khost.h"
#include "osfmk/kern/early_spin.h"
#include "osfmk/kern/debug_internal.h"
#include "osfmk/kern/locks_internal.h"
#include "osfmk/kern/thread_internal.h"
#include "osfmk/kern/watchdog.h"

#define WD_SNAP_MAX 16 /* reports gathered per scan */
#define WD_BOUND_MAX (24u * 3600)

int watchdog_on;
static unsigned int wd_bound_s;
static int wd_panic;
static early_spin_t wd_list_lock = EARLY_SPIN_INIT;
static struct thread *wd_list;
static uint64_t wd_reports;
static int wd_stop, wd_running;

struct wd_snap {
	const struct thread *ws_th;
	uint64_t ws_tid;
	char ws_name[32];
	uint32_t ws_kind;
	const void *ws_obj;
	const struct thread *ws_owner;
	uint64_t ws_owner_tid;
	char ws_owner_name[32];
	const char *ws_wmesg;
	const char *ws_grp;
	uint64_t ws_waited_s;
	uintptr_t ws_bt[8];
};

/* ---- the thread list (thread.c) ------------------------------------------------ */

void
watchdog_thread_add(struct thread *th)
{
	early_spin_lock(&wd_list_lock);
	th->th_all_prev = NULL;
	th->th_all_next = wd_list;
	if (wd_list != NULL) {
		wd_list->th_all_prev = th;
	}
	wd_list = th;
	early_spin_unlock(&wd_list_lock);
}

void
watchdog_thread_remove(struct thread *th)
{
	early_spin_lock(&wd_list_lock);
	if (th->th_all_prev != NULL) {
		th->th_all_prev->th_all_next = th->th_all_next;
	} else if (wd_list == th) {
		wd_list = th->th_all_next;
	}
	if (th->th_all_next != NULL) {
		th->th_all_next->th_all_prev = th->th_all_prev;
	}
	th->th_all_next = th->th_all_prev = NULL;
	early_spin_unlock(&wd_list_lock);
}

void
watchdog_threads_apply(void (*fn)(struct thread *th, void *ctx), void *ctx)
{
	early_spin_lock(&wd_list_lock);
	for (struct thread *t = wd_list; t != NULL; t = t->th_all_next) {
		fn(t, ctx);
	}
	early_spin_unlock(&wd_list_lock);
}

/* ---- the blocking side ----------------------------------------------------------- */

__attribute__((noinline)) void
watchdog_block(struct thread *self, uint32_t kind, const void *obj, const void *owner)
{
	uintptr_t bt[8] = {0};

	(void)debug_backtrace(NULL, bt, 8, 2);
	for (unsigned int i = 0; i < 8; i++) {
		self->th_wd_bt[i] = bt[i];
	}
	self->th_wd_obj = obj;
	self->th_wd_owner = owner;
	__atomic_store_n(&self->th_wd_since, khost_uptime_ns(), __ATOMIC_RELAXED);
	__atomic_store_n(&self->th_wd_kind, kind, __ATOMIC_RELEASE);
}

void
watchdog_unblock(struct thread *self)
{
	__atomic_store_n(&self->th_wd_kind, WD_NONE, __ATOMIC_RELEASE);
}

void
watchdog_idle_wait(int idle)
{
	__atomic_store_n(&current_thread_fast()->th_wd_idle, idle != 0, __ATOMIC_RELAXED);
}

/* ---- the watchdog thread --------------------------------------------------------- */

static const char *
wd_group_name(uint32_t kind, const void *obj)
{
	lck_grp_t *g = NULL;

	if (kind == WD_MUTEX) {
		g = ((const lck_mtx_t *)obj)->lck_mtx_grp;
	} else if (kind == WD_RW) {
		g = ((const lck_rw_t *)obj)->lck_rw_grp;
	}
	return g != NULL ? g->lck_grp_name : "?";
}

/* Is th (an owner read from a lock word) a live thread record? (list locked) */
static const struct thread *
wd_find_locked(const void *th)
{
	for (struct thread *t = wd_list; t != NULL; t = t->th_all_next) {
		if (t == th) {
			return t;
		}
	}
	return NULL;
}

/* Copy out the waits older than the bound and not yet reported; returns how many. */
static unsigned int
wd_scan(struct wd_snap *snap, uint64_t now, uint64_t bound_ns)
{
	unsigned int n = 0;

	early_spin_lock(&wd_list_lock);
	for (struct thread *t = wd_list; t != NULL && n < WD_SNAP_MAX; t = t->th_all_next) {
		uint32_t kind = __atomic_load_n(&t->th_wd_kind, __ATOMIC_ACQUIRE);
		uint64_t since = __atomic_load_n(&t->th_wd_since, __ATOMIC_RELAXED);
		struct wd_snap *s = &snap[n];
		const struct thread *owner;

		if (kind == WD_NONE || now < since || now - since < bound_ns || t->th_wd_reported == since ||
		    (kind == WD_EVENT && __atomic_load_n(&t->th_wd_idle, __ATOMIC_RELAXED))) {
			continue;
		}
		t->th_wd_reported = since;
		s->ws_th = t;
		s->ws_tid = t->th_tid;
		strlcpy(s->ws_name, t->th_name, sizeof(s->ws_name));
		s->ws_kind = kind;
		s->ws_obj = t->th_wd_obj;
		s->ws_wmesg = kind == WD_EVENT ? t->th_wmesg : NULL;
		s->ws_grp = kind != WD_EVENT ? wd_group_name(kind, s->ws_obj) : NULL;
		s->ws_waited_s = (now - since) / 1000000000ULL;
		owner = kind != WD_EVENT ? wd_find_locked(t->th_wd_owner) : NULL;
		s->ws_owner = owner;
		s->ws_owner_tid = owner != NULL ? owner->th_tid : 0;
		strlcpy(s->ws_owner_name, owner != NULL ? owner->th_name : "", sizeof(s->ws_owner_name));
		for (unsigned int i = 0; i < 8; i++) {
			s->ws_bt[i] = t->th_wd_bt[i];
		}
		n++;
	}
	early_spin_unlock(&wd_list_lock);
	return n;
}

static void
wd_report(const struct wd_snap *s)
{
	char frame[160];

	if (s->ws_kind == WD_EVENT) {
		if (s->ws_wmesg != NULL) {
			printf("watchdog: thread %p (tid %llu \"%s\") has waited %llu s in msleep \"%s\" "
			       "(channel "
			       "%p)\n",
			       s->ws_th, (unsigned long long)s->ws_tid, s->ws_name,
			       (unsigned long long)s->ws_waited_s, s->ws_wmesg, s->ws_obj);
		} else {
			printf("watchdog: thread %p (tid %llu \"%s\") has waited %llu s in assert_wait "
			       "(event "
			       "%p)\n",
			       s->ws_th, (unsigned long long)s->ws_tid, s->ws_name,
			       (unsigned long long)s->ws_waited_s, s->ws_obj);
		}
	} else {
		printf("watchdog: thread %p (tid %llu \"%s\") has waited %llu s for %s %p (group \"%s\"), "
		       "held "
		       "by thread %p (tid %llu \"%s\")\n",
		       s->ws_th, (unsigned long long)s->ws_tid, s->ws_name,
		       (unsigned long long)s->ws_waited_s, s->ws_kind == WD_MUTEX ? "mutex" : "rw lock",
		       s->ws_obj, s->ws_grp, s->ws_owner, (unsigned long long)s->ws_owner_tid,
		       s->ws_owner_name);
	}
	printf("  backtrace when it blocked:\n");
	for (unsigned int i = 0; i < 8 && s->ws_bt[i] != 0; i++) {
		(void)debug_format_frame(s->ws_bt[i], frame, sizeof(frame));
		printf("  #%u %s\n", i, frame);
	}
}

static void
watchdog_main(void *arg, wait_result_t wr)
{
	static struct wd_snap snap[WD_SNAP_MAX]; /* only this thread uses it; too big for the stack */
	uint64_t bound_ns = (uint64_t)wd_bound_s * 1000000000ULL;
	uint32_t period_ms = wd_bound_s * 1000 / 2;

	thread_set_thread_name(current_thread(), "watchdog");
	watchdog_idle_wait(1);
	while (!__atomic_load_n(&wd_stop, __ATOMIC_ACQUIRE)) {
		unsigned int n;

		assert_wait_timeout(&wd_stop, THREAD_UNINT, period_ms > 0 ? period_ms : 1, 1000 * 1000);
		(void)thread_block(THREAD_CONTINUE_NULL);
		n = wd_scan(snap, khost_uptime_ns(), bound_ns);
		for (unsigned int i = 0; i < n; i++) {
			__atomic_fetch_add(&wd_reports, 1, __ATOMIC_RELAXED);
			wd_report(&snap[i]);
		}
		if (n > 0 && wd_panic) {
			panic("watchdog: thread %p (tid %llu) blocked for more than %u s (watchdog_panic=1)",
			      snap[0].ws_th, (unsigned long long)snap[0].ws_tid, wd_bound_s);
		}
	}
	__atomic_store_n(&wd_running, 0, __ATOMIC_RELEASE);
	thread_wakeup(&wd_running);
}

uint64_t
watchdog_report_count(void)
{
	return __atomic_load_n(&wd_reports, __ATOMIC_RELAXED);
}

void
watchdog_init(void)
{
	unsigned int bound = 0, p = 0;
	thread_t th;

	/* Relaxed atomics: other threads read the flag at every block (a plain load on x86). */
	__atomic_store_n(&watchdog_on, 0, __ATOMIC_RELAXED);
	wd_stop = 0;
	if (!PE_parse_boot_argn("watchdog", &bound, sizeof(bound)) || bound == 0) {
		return;
	}
	if (bound > WD_BOUND_MAX) {
		printf("watchdog: bound %u s is too long, using %u s\n", bound, WD_BOUND_MAX);
		bound = WD_BOUND_MAX;
	}
	wd_bound_s = bound;
	wd_panic = PE_parse_boot_argn("watchdog_panic", &p, sizeof(p)) && p != 0;
	/* On before the thread starts: waits that begin from now on are recorded. */
	__atomic_store_n(&watchdog_on, 1, __ATOMIC_RELEASE);
	wd_running = 1;
	if (kernel_thread_start(watchdog_main, NULL, &th) != KERN_SUCCESS) {
		printf("watchdog: cannot start the watchdog thread\n");
		__atomic_store_n(&watchdog_on, 0, __ATOMIC_RELAXED);
		wd_running = 0;
		return;
	}
	thread_deallocate(th);
	printf("watchdog: reporting threads blocked for more than %u s%s\n", bound,
	       wd_panic ? " (and panicking)" : "");
}

void
watchdog_shutdown(void)
{
	if (!__atomic_load_n(&wd_running, __ATOMIC_ACQUIRE)) {
		return;
	}
	__atomic_store_n(&wd_stop, 1, __ATOMIC_RELEASE);
	thread_wakeup(&wd_stop);
	/* Timed waits: a wakeup that comes before a wait only costs one period. */
	while (__atomic_load_n(&wd_running, __ATOMIC_ACQUIRE)) {
		assert_wait_timeout(&wd_running, THREAD_UNINT, 10, 1000 * 1000);
		(void)thread_block(THREAD_CONTINUE_NULL);
	}
}
