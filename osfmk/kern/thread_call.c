/*
 * thread_call.c — thread calls: run a function on a kernel worker thread now
 * or at a deadline (kern/thread_call.h).
 *
 * Design, after XNU's:
 *  - One group per priority. A group has a FIFO of pending calls and a pool
 *    of worker threads, created on demand and parked when idle; workers
 *    beyond the group's target count exit after TC_IDLE_EXIT_NS idle. HIGH
 *    and KERNEL_HIGH groups are serial (a worker is woken only when none is
 *    active); the others are parallel.
 *  - Delayed calls sit on one list sorted by deadline. A single timer thread
 *    (the "daemon") sleeps until the earliest deadline, moves due calls to
 *    their group's pending FIFO, and also creates workers: enter may be
 *    called where starting a thread is not allowed.
 *  - XNU grows a group when a worker blocks inside a callout (a scheduler
 *    upcall). There is no such upcall here, so the daemon stands in for it:
 *    when a group has pending calls but made no progress (no call started or
 *    finished) for TC_STALL_NS, it puts one more worker to work.
 *  - One spin lock protects all of it. Nothing blocks or allocates with the
 *    lock held: waits are assert_wait() under the lock, then unlock, then
 *    thread_block().
 *
 * Lifetime of allocated calls: the owner holds one reference and every
 * running invocation another, so thread_call_free() from inside the callback
 * (or while it runs) is safe; the last reference frees the memory.
 */
#include <kern/thread_call.h>
#include <kern/clock.h>
#include <kern/debug.h>
#include <kern/kalloc.h>
#include <kern/locks.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include <libkern/libkern.h>
#include <sys/systm.h>
#include <stdbool.h>
#include <string.h>
#include "osfmk/kern/startup.h"
#include "osfmk/kern/thread_call_internal.h"
#include "host/khost.h"
#include "osfmk/kern/watchdog.h"

#define TC_INTERNAL_COUNT 768    /* function callouts (timeout()) in flight at once */
#define TC_GROUP_MAX_THREADS 500 /* more workers than this in one group is a runaway: panic */
#define TC_ADD_RATIO 4           /* parallel groups grow when pending > TC_ADD_RATIO * active */
#define TC_IDLE_EXIT_NS (5 * NSEC_PER_MSEC)
#define TC_STALL_NS (20 * NSEC_PER_MSEC) /* longer than ordinary scheduling noise */
#define TC_SHUTDOWN_TIMEOUT_NS (10 * NSEC_PER_SEC)

struct tc_worker;

struct tc_group {
	const char *name;
	struct tc_link pending; /* FIFO of calls to run now */
	uint32_t pending_count;
	struct tc_worker *idle_list; /* parked workers, most recently parked first */
	uint32_t idle_count;
	uint32_t active_count;    /* workers not parked: running calls, starting or about to park */
	uint32_t target_threads;  /* workers kept even when idle */
	uint32_t threads_created; /* for thread names */
	bool parallel;
	uint64_t last_progress; /* last time a call started or finished, or a worker was put to work */
};

/* A worker's state lives on its own stack for as long as the thread runs. */
struct tc_worker {
	struct tc_group *group;
	struct tc_worker *next_idle;
	thread_call_t current; /* call being invoked, or NULL */
	uint64_t idle_since;
	bool claimed; /* taken off the idle list by a waker: go to work */
};

static lck_grp_t *tc_lck_grp;
static lck_spin_t *tc_lock;
static bool tc_running; /* between thread_call_initialize() and thread_call_shutdown() */
static bool tc_shutting_down;
static uint32_t tc_live_threads; /* daemon and workers that have not finished exiting */
static uint32_t tc_parallel_cap; /* parallel groups grow past their target only up to this */

static struct tc_group tc_groups[TC_INDEX_COUNT];
static struct tc_link tc_delayed; /* sorted by tc_deadline, FIFO among equal deadlines */

static bool tc_daemon_asleep;
static uint64_t tc_daemon_wake_at; /* while asleep: when it wakes on its own (UINT64_MAX: never) */
static bool tc_daemon_rescan;      /* state changed while the daemon was awake with the lock dropped */

static thread_call_data_t tc_internal_storage[TC_INTERNAL_COUNT];
static struct tc_link tc_internal_free;

static __thread struct tc_worker *tc_self; /* the worker running on this thread, if any */
static __thread bool tc_in_daemon;

/* ---- lists ---------------------------------------------------------------- */

static inline void
tc_list_init(struct tc_link *head)
{
	head->next = head;
	head->prev = head;
}

static inline bool
tc_list_empty(const struct tc_link *head)
{
	return head->next == head;
}

static inline void
tc_list_insert_after(struct tc_link *pos, struct tc_link *elt)
{
	elt->prev = pos;
	elt->next = pos->next;
	pos->next->prev = elt;
	pos->next = elt;
}

static inline void
tc_list_remove(struct tc_link *elt)
{
	elt->prev->next = elt->next;
	elt->next->prev = elt->prev;
	elt->next = elt->prev = NULL;
}

static inline thread_call_t
tc_of_link(struct tc_link *link)
{
	return __container_of(link, struct thread_call, tc_link);
}

/* ---- locking and validation ------------------------------------------------ */

static void
tc_lock_take(void)
{
	if (__improbable(tc_lock == NULL)) {
		panic("thread_call: used before thread_call_initialize()");
	}
	lck_spin_lock(tc_lock);
}

static void
tc_lock_drop(void)
{
	lck_spin_unlock(tc_lock);
}

static void
tc_assert_locked(void)
{
	lck_spin_assert(tc_lock, LCK_ASSERT_OWNED);
}

/* The call's group; panics on a NULL, freed or corrupt call. Lock held (flags change under it). */
static struct tc_group *
tc_group_of(thread_call_t call, const char *who)
{
	if (call == NULL) {
		panic("%s: NULL thread call", who);
	}
	tc_assert_locked();
	if (call->tc_func == NULL || !(call->tc_flags & TC_F_INITIALIZED)) {
		panic("%s: (%p %p) uninitialized or freed thread call", who, call, call->tc_func);
	}
	if (call->tc_index >= TC_INDEX_COUNT) {
		panic("%s: (%p %p) invalid thread call index %u", who, call, call->tc_func, call->tc_index);
	}
	return &tc_groups[call->tc_index];
}

/* ---- the daemon's wakeups -------------------------------------------------- */

/* Make sure the daemon looks at the queues again no later than `when`. Lock held. */
static void
tc_daemon_poke(uint64_t when)
{
	tc_assert_locked();
	if (tc_in_daemon) {
		return; /* the daemon rescans everything before it sleeps */
	}
	if (!tc_daemon_asleep) {
		tc_daemon_rescan = true;
		return;
	}
	if (when < tc_daemon_wake_at) {
		tc_daemon_asleep = false;
		thread_wakeup(&tc_daemon_asleep);
	}
}

/* ---- groups and workers ------------------------------------------------------ */

/* Should one more worker of `g` be put to work (woken or created)? Lock held. */
static bool
tcg_needs_worker(struct tc_group *g, uint64_t now)
{
	if (g->pending_count == 0) {
		return false;
	}
	if (g->active_count == 0) {
		return true;
	}
	if (g->parallel) {
		if (g->active_count < g->target_threads) {
			return true;
		}
		if (g->pending_count > TC_ADD_RATIO * g->active_count && g->active_count < tc_parallel_cap) {
			return true;
		}
	}
	/* Every active worker may be blocked inside a callout (see the header comment). */
	return now > g->last_progress && now - g->last_progress >= TC_STALL_NS;
}

/* Take the most recently parked worker off the idle list and start it. Lock held. */
static void
tcg_claim_idle(struct tc_group *g, uint64_t now)
{
	struct tc_worker *w = g->idle_list;

	g->idle_list = w->next_idle;
	w->next_idle = NULL;
	g->idle_count--;
	g->active_count++;
	g->last_progress = now;
	w->claimed = true;
	thread_wakeup(w);
}

/* Work was added to `g`: wake a worker, or ask the daemon for one. Lock held. */
static void
tcg_wake(struct tc_group *g, uint64_t now)
{
	if (g->parallel || g->active_count == 0) {
		if (g->idle_list != NULL) {
			tcg_claim_idle(g, now);
			return;
		}
		if (tcg_needs_worker(g, now)) {
			tc_daemon_poke(0);
			return;
		}
	}
	if (g->active_count > 0) {
		tc_daemon_poke(g->last_progress + TC_STALL_NS);
	}
}

static void
tcg_remove_idle(struct tc_group *g, struct tc_worker *w)
{
	for (struct tc_worker **pp = &g->idle_list; *pp != NULL; pp = &(*pp)->next_idle) {
		if (*pp == w) {
			*pp = w->next_idle;
			w->next_idle = NULL;
			g->idle_count--;
			return;
		}
	}
	panic("thread_call: worker %p not on the idle list of group %s", w, g->name);
}

/* A daemon or worker thread is about to return. Lock held; returns unlocked. */
static void
tc_thread_exit_locked(void)
{
	tc_assert_locked();
	if (tc_live_threads == 0) {
		panic("thread_call: thread count underflow");
	}
	if (--tc_live_threads == 0) {
		thread_wakeup(&tc_live_threads);
	}
	tc_lock_drop();
}

/* ---- queues ------------------------------------------------------------------ */

/* Take the call off whichever list it is on; TRUE if it was on one. Lock held. */
static bool
tc_unlink(thread_call_t call)
{
	struct tc_link *queue = call->tc_queue;

	if (queue == NULL) {
		return false;
	}
	tc_list_remove(&call->tc_link);
	if (queue != &tc_delayed) {
		tc_groups[call->tc_index].pending_count--;
	}
	call->tc_queue = NULL;
	return true;
}

static bool tc_delayed_enqueue(thread_call_t call, uint64_t deadline);

/*
 * Queue the call to run as soon as a worker is free; TRUE if it was already
 * pending (then it keeps its place if it was on the FIFO). A ONCE call that
 * is running is instead marked to be queued again when it returns. Lock held.
 */
static bool
tc_pending_enqueue(thread_call_t call, uint64_t now)
{
	struct tc_group *g = &tc_groups[call->tc_index];
	bool was_pending;

	if ((call->tc_flags & (TC_F_ONCE | TC_F_RUNNING)) == (TC_F_ONCE | TC_F_RUNNING)) {
		was_pending = (call->tc_flags & TC_F_RESCHEDULE) != 0;
		call->tc_flags = (call->tc_flags | TC_F_RESCHEDULE) & ~TC_F_DELAYED;
		call->tc_deadline = 0;
		return was_pending;
	}
	if (call->tc_flags & TC_F_SIGNAL) {
		/* Signal calls only ever run on the daemon: "now" is a deadline that has passed. */
		return tc_delayed_enqueue(call, 0);
	}
	if (call->tc_queue == &g->pending) {
		return true;
	}
	was_pending = tc_unlink(call);
	call->tc_flags &= ~TC_F_DELAYED;
	call->tc_deadline = 0;
	tc_list_insert_after(g->pending.prev, &call->tc_link);
	call->tc_queue = &g->pending;
	g->pending_count++;
	if (!was_pending) {
		call->tc_submit_count++;
	}
	tcg_wake(g, now);
	return was_pending;
}

/* Queue the call for `deadline` (same conventions as tc_pending_enqueue). Lock held. */
static bool
tc_delayed_enqueue(thread_call_t call, uint64_t deadline)
{
	struct tc_link *pos;
	bool was_pending;

	if ((call->tc_flags & (TC_F_ONCE | TC_F_RUNNING)) == (TC_F_ONCE | TC_F_RUNNING)) {
		was_pending = (call->tc_flags & TC_F_RESCHEDULE) != 0;
		call->tc_flags |= TC_F_RESCHEDULE | TC_F_DELAYED;
		call->tc_deadline = deadline;
		return was_pending;
	}
	was_pending = tc_unlink(call);
	call->tc_flags |= TC_F_DELAYED;
	call->tc_deadline = deadline;
	/* Deadlines mostly grow, so the insertion point is usually found at once from the tail. */
	for (pos = tc_delayed.prev; pos != &tc_delayed; pos = pos->prev) {
		if (tc_of_link(pos)->tc_deadline <= deadline) {
			break;
		}
	}
	tc_list_insert_after(pos, &call->tc_link);
	call->tc_queue = &tc_delayed;
	if (!was_pending) {
		call->tc_submit_count++;
	}
	if (tc_delayed.next == &call->tc_link) {
		tc_daemon_poke(deadline);
	}
	return was_pending;
}

/* Remove a pending invocation; TRUE if there was one. Lock held. */
static bool
tc_cancel_locked(thread_call_t call)
{
	if (call->tc_flags & TC_F_RESCHEDULE) {
		/* Never queued, so never counted as submitted. */
		call->tc_flags &= ~TC_F_RESCHEDULE;
		return true;
	}
	if (tc_unlink(call)) {
		call->tc_finish_count++;
		return true;
	}
	return false;
}

/* ---- the function-callout pool ------------------------------------------------ */

static thread_call_t
tc_internal_alloc(thread_call_func_t func, thread_call_param_t param0)
{
	tc_assert_locked();
	if (tc_list_empty(&tc_internal_free)) {
		panic("thread_call: all %d function callouts are in use (timeout() storm?)",
		      TC_INTERNAL_COUNT);
	}
	thread_call_t call = tc_of_link(tc_internal_free.next);

	tc_list_remove(&call->tc_link);
	thread_call_setup(call, func, param0);
	call->tc_flags |= TC_F_INTERNAL;
	return call;
}

static void
tc_internal_release(thread_call_t call)
{
	tc_assert_locked();
	call->tc_flags = 0;
	tc_list_insert_after(&tc_internal_free, &call->tc_link);
}

/* ---- running calls ------------------------------------------------------------- */

/*
 * An invocation of an ALLOC or ONCE call returned: drop its reference, queue
 * it again if it was re-entered meanwhile, wake cancel_wait() waiters.
 * Returns the memory to kfree() after dropping the lock, if any. Lock held.
 */
static thread_call_t
tc_finish(thread_call_t call, uint64_t now)
{
	bool alloc = (call->tc_flags & TC_F_ALLOC) != 0;
	uint16_t old_flags = call->tc_flags;

	call->tc_finish_count++;
	if (alloc) {
		if (call->tc_refs <= 0) {
			panic("thread_call_finish: (%p %p) over-released thread call", call, call->tc_func);
		}
		call->tc_refs--;
	}
	call->tc_flags &= ~(TC_F_RESCHEDULE | TC_F_RUNNING | TC_F_WAIT);

	if ((old_flags & TC_F_RESCHEDULE) && !tc_shutting_down && (!alloc || call->tc_refs != 0)) {
		if ((old_flags & TC_F_DELAYED) && call->tc_deadline > now) {
			(void)tc_delayed_enqueue(call, call->tc_deadline);
		} else {
			(void)tc_pending_enqueue(call, now);
		}
	}
	if (alloc && call->tc_refs == 0) {
		if (old_flags & TC_F_WAIT) {
			panic("thread_call: (%p %p) someone waits on a thread call that is being freed", call,
			      call->tc_func);
		}
		if (call->tc_finish_count != call->tc_submit_count) {
			panic("thread_call: (%p %p) submit/finish imbalance: %llu %llu", call, call->tc_func,
			      call->tc_submit_count, call->tc_finish_count);
		}
		call->tc_flags &= ~TC_F_INITIALIZED;
		return call;
	}
	if (old_flags & TC_F_WAIT) {
		thread_wakeup(call);
	}
	return NULL;
}

/*
 * Run a call just taken off its queue, on a worker (w) or on the daemon (w
 * NULL). Drops and retakes the lock.
 */
static void
tc_invoke(thread_call_t call, struct tc_worker *w)
{
	thread_call_func_t func = call->tc_func;
	thread_call_param_t param0 = call->tc_param0;
	thread_call_param_t param1 = call->tc_param1;
	bool needs_finish = false;
	thread_call_t to_free;

	if (call->tc_flags & TC_F_INTERNAL) {
		/* The storage is recycled before the callout runs; only the copies above are used. */
		tc_internal_release(call);
	}
	if (call->tc_flags & TC_F_ALLOC) {
		call->tc_refs++;
	}
	if (call->tc_flags & (TC_F_ALLOC | TC_F_ONCE)) {
		/* Otherwise the client owns the storage and it may be gone once func returns. */
		needs_finish = true;
		call->tc_flags |= TC_F_RUNNING;
	}
	if (w != NULL) {
		w->current = call;
		w->group->last_progress = mach_absolute_time();
	}
	tc_lock_drop();

	func(param0, param1);

	tc_lock_take();
	uint64_t now = mach_absolute_time();

	if (w != NULL) {
		w->current = NULL;
		w->group->last_progress = now;
	}
	if (!needs_finish) {
		return;
	}
	to_free = tc_finish(call, now);
	if (to_free != NULL) {
		tc_lock_drop();
		kfree(to_free, sizeof(*to_free));
		tc_lock_take();
	}
}

/*
 * Park an active worker until it is claimed (TRUE) or should exit (FALSE:
 * shutdown, or idle too long while the group has more than its target).
 * Lock held throughout, except while blocked.
 */
static bool
tc_worker_park(struct tc_worker *w)
{
	struct tc_group *g = w->group;

	g->active_count--;
	g->idle_count++;
	w->claimed = false;
	w->next_idle = g->idle_list;
	g->idle_list = w;
	w->idle_since = mach_absolute_time();

	for (;;) {
		bool surplus = g->idle_count + g->active_count > g->target_threads;

		if (surplus) {
			assert_wait_deadline(w, THREAD_UNINT, w->idle_since + TC_IDLE_EXIT_NS);
		} else {
			assert_wait(w, THREAD_UNINT);
		}
		tc_lock_drop();
		watchdog_idle_wait(1); /* waiting for work: not a hang */
		(void)thread_block(THREAD_CONTINUE_NULL);
		watchdog_idle_wait(0); /* the calls it runs next are watched */
		tc_lock_take();

		if (w->claimed) {
			return true;
		}
		/* Not claimed: spurious, a stale wakeup, shutdown or the idle timeout. */
		surplus = g->idle_count + g->active_count > g->target_threads;
		if (tc_shutting_down ||
		    (surplus && mach_absolute_time() >= w->idle_since + TC_IDLE_EXIT_NS)) {
			tcg_remove_idle(g, w);
			return false;
		}
	}
}

static void
tc_worker_main(void *param, wait_result_t wresult)
{
	struct tc_worker w = {.group = param};
	struct tc_group *g = w.group;

	(void)wresult;
	tc_self = &w;
	tc_lock_take();
	for (;;) {
		while (g->pending_count > 0 && !tc_shutting_down) {
			thread_call_t call = tc_of_link(g->pending.next);

			(void)tc_unlink(call);
			tc_invoke(call, &w);
		}
		if (tc_shutting_down) {
			g->active_count--;
			break;
		}
		if (!tc_worker_park(&w)) {
			break;
		}
	}
	tc_self = NULL;
	tc_thread_exit_locked();
}

/* Start one more worker for `g`, counted as active from now on. Drops and retakes the lock. */
static void
tc_worker_create(struct tc_group *g, uint64_t now)
{
	char name[48];
	thread_t thread;
	kern_return_t kr;
	uint32_t number;

	if (g->idle_count + g->active_count >= TC_GROUP_MAX_THREADS) {
		panic("thread_call group '%s' reached its thread cap (%d): active %u, idle %u", g->name,
		      TC_GROUP_MAX_THREADS, g->active_count, g->idle_count);
	}
	g->active_count++;
	g->last_progress = now;
	number = g->threads_created++;
	tc_live_threads++;
	tc_lock_drop();

	kr = kernel_thread_start(tc_worker_main, g, &thread);
	if (kr != KERN_SUCCESS) {
		panic("thread_call: cannot create a worker thread for group %s (%d)", g->name, kr);
	}
	snprintf(name, sizeof(name), "thread call %s #%u", g->name, number);
	thread_set_thread_name(thread, name);
	thread_deallocate(thread);

	tc_lock_take();
}

/* ---- the daemon ---------------------------------------------------------------- */

/* Move every due delayed call to its group (or run it, for signal calls). Lock held. */
static void
tc_daemon_expire(void)
{
	uint64_t now = mach_absolute_time();

	while (!tc_list_empty(&tc_delayed)) {
		thread_call_t call = tc_of_link(tc_delayed.next);

		if (call->tc_deadline > now) {
			break;
		}
		if (call->tc_flags & TC_F_SIGNAL) {
			(void)tc_unlink(call);
			tc_invoke(call, NULL);
			now = mach_absolute_time();
			continue;
		}
		(void)tc_pending_enqueue(call, now);
	}
}

/* Give every group the workers it needs. Lock held (dropped while creating threads). */
static void
tc_daemon_staff(void)
{
	for (int i = 0; i < TC_INDEX_COUNT && !tc_shutting_down; i++) {
		struct tc_group *g = &tc_groups[i];
		uint64_t now = mach_absolute_time();

		while (!tc_shutting_down && tcg_needs_worker(g, now)) {
			if (g->idle_list != NULL) {
				tcg_claim_idle(g, now);
			} else {
				tc_worker_create(g, now);
			}
			now = mach_absolute_time();
		}
	}
}

/* When the daemon must look again: the first deadline or a group's stall check. Lock held. */
static uint64_t
tc_daemon_next_wake(void)
{
	uint64_t next = UINT64_MAX;

	if (!tc_list_empty(&tc_delayed)) {
		next = tc_of_link(tc_delayed.next)->tc_deadline;
	}
	for (int i = 0; i < TC_INDEX_COUNT; i++) {
		struct tc_group *g = &tc_groups[i];

		if (g->pending_count > 0 && g->active_count > 0 && g->last_progress + TC_STALL_NS < next) {
			next = g->last_progress + TC_STALL_NS;
		}
	}
	return next;
}

static void
tc_daemon_main(void *param, wait_result_t wresult)
{
	(void)param;
	(void)wresult;
	watchdog_idle_wait(1);
	tc_in_daemon = true;
	tc_lock_take();
	while (!tc_shutting_down) {
		do {
			tc_daemon_rescan = false;
			tc_daemon_expire();
			tc_daemon_staff();
		} while (tc_daemon_rescan && !tc_shutting_down);
		if (tc_shutting_down) {
			break;
		}
		tc_daemon_wake_at = tc_daemon_next_wake();
		tc_daemon_asleep = true;
		if (tc_daemon_wake_at == UINT64_MAX) {
			assert_wait(&tc_daemon_asleep, THREAD_UNINT);
		} else {
			assert_wait_deadline(&tc_daemon_asleep, THREAD_UNINT, tc_daemon_wake_at);
		}
		tc_lock_drop();
		(void)thread_block(THREAD_CONTINUE_NULL);
		tc_lock_take();
		tc_daemon_asleep = false;
	}
	tc_in_daemon = false;
	tc_thread_exit_locked();
}

/* ---- boot and shutdown ---------------------------------------------------------- */

static const struct {
	const char *name;
	uint32_t target_threads;
	bool parallel;
} tc_group_params[TC_INDEX_COUNT] = {
        [TC_INDEX_HIGH] = {"high", 4, false},
        [TC_INDEX_KERNEL] = {"kernel", 1, true},
        [TC_INDEX_USER] = {"user", 1, true},
        [TC_INDEX_LOW] = {"low", 1, true},
        [TC_INDEX_KERNEL_HIGH] = {"kernel-high", 2, false},
};

void
thread_call_initialize(void)
{
	thread_t thread;
	kern_return_t kr;

	if (tc_running) {
		panic("thread_call_initialize: called twice");
	}
	/* Everything is reset: the kernel may be booted again after a shutdown. */
	tc_lck_grp = lck_grp_alloc_init("thread_call", LCK_GRP_ATTR_NULL);
	tc_lock = lck_spin_alloc_init(tc_lck_grp, LCK_ATTR_NULL);
	if (tc_lck_grp == NULL || tc_lock == NULL) {
		panic("thread_call_initialize: cannot allocate the lock");
	}
	for (int i = 0; i < TC_INDEX_COUNT; i++) {
		struct tc_group *g = &tc_groups[i];

		memset(g, 0, sizeof(*g));
		g->name = tc_group_params[i].name;
		g->target_threads = tc_group_params[i].target_threads;
		g->parallel = tc_group_params[i].parallel;
		tc_list_init(&g->pending);
	}
	tc_list_init(&tc_delayed);
	tc_list_init(&tc_internal_free);
	memset(tc_internal_storage, 0, sizeof(tc_internal_storage));
	for (int i = 0; i < TC_INTERNAL_COUNT; i++) {
		tc_list_insert_after(&tc_internal_free, &tc_internal_storage[i].tc_link);
	}
	tc_shutting_down = false;
	tc_daemon_asleep = false;
	tc_daemon_rescan = false;
	tc_daemon_wake_at = 0;
	tc_live_threads = 1;
	/* XNU backs off when the machine is loaded; a cap of two workers per CPU stands in for that. */
	tc_parallel_cap = 2 * (uint32_t)khost_ncpus();
	tc_running = true;

	kr = kernel_thread_start(tc_daemon_main, NULL, &thread);
	if (kr != KERN_SUCCESS) {
		panic("thread_call_initialize: cannot start the timer thread (%d)", kr);
	}
	thread_set_thread_name(thread, "thread_call_daemon");
	thread_deallocate(thread);
}

/* Dequeue every pending call without running it; returns how many. Lock held. */
static uint32_t
tc_discard_all(void)
{
	uint32_t discarded = 0;
	struct tc_link *lists[TC_INDEX_COUNT + 1];

	for (int i = 0; i < TC_INDEX_COUNT; i++) {
		lists[i] = &tc_groups[i].pending;
	}
	lists[TC_INDEX_COUNT] = &tc_delayed;
	for (int i = 0; i <= TC_INDEX_COUNT; i++) {
		while (!tc_list_empty(lists[i])) {
			thread_call_t call = tc_of_link(lists[i]->next);

			(void)tc_cancel_locked(call);
			if (call->tc_flags & TC_F_INTERNAL) {
				tc_internal_release(call);
			}
			discarded++;
		}
	}
	return discarded;
}

void
thread_call_shutdown(void)
{
	uint64_t deadline;
	uint32_t discarded;

	if (!tc_running) {
		return;
	}
	if (tc_self != NULL || tc_in_daemon) {
		panic("thread_call_shutdown: called from a thread call thread");
	}
	tc_lock_take();
	tc_shutting_down = true;
	discarded = tc_discard_all();
	tc_daemon_asleep = false;
	thread_wakeup(&tc_daemon_asleep);
	for (int i = 0; i < TC_INDEX_COUNT; i++) {
		for (struct tc_worker *w = tc_groups[i].idle_list; w != NULL; w = w->next_idle) {
			thread_wakeup(w);
		}
	}

	/* Running callouts finish first; a callout that never returns is a bug worth a panic. */
	deadline = mach_absolute_time() + TC_SHUTDOWN_TIMEOUT_NS;
	while (tc_live_threads > 0) {
		if (mach_absolute_time() >= deadline) {
			panic("thread_call_shutdown: %u thread call threads still running after %llu s",
			      tc_live_threads, TC_SHUTDOWN_TIMEOUT_NS / NSEC_PER_SEC);
		}
		assert_wait_deadline(&tc_live_threads, THREAD_UNINT, deadline);
		tc_lock_drop();
		(void)thread_block(THREAD_CONTINUE_NULL);
		tc_lock_take();
	}
	/* Calls entered by callouts during the shutdown were never run either. */
	discarded += tc_discard_all();
	tc_running = false;
	tc_lock_drop();

	if (discarded > 0) {
		printf("thread_call: shutdown discarded %u pending call%s\n", discarded,
		       discarded == 1 ? "" : "s");
	}
}

/* ---- setup and allocation ------------------------------------------------------------ */

void
thread_call_setup_with_options(thread_call_t call, thread_call_func_t func, thread_call_param_t param0,
                               thread_call_priority_t pri, thread_call_options_t options)
{
	if (call == NULL) {
		panic("thread_call_setup: NULL thread call");
	}
	if (func == NULL) {
		panic("thread_call_setup: initializing thread call with NULL func");
	}
	if ((unsigned int)pri > THREAD_CALL_PRIORITY_KERNEL_HIGH) {
		panic("thread_call_setup: invalid thread call pri value: %d", pri);
	}
	memset(call, 0, sizeof(*call));
	call->tc_func = func;
	call->tc_param0 = param0;
	/* thread_call_priority_t values and group indexes coincide. */
	call->tc_index = (uint16_t)pri;
	call->tc_flags = TC_F_INITIALIZED;
	if (options & THREAD_CALL_OPTIONS_ONCE) {
		call->tc_flags |= TC_F_ONCE;
	}
	if (options & THREAD_CALL_OPTIONS_SIGNAL) {
		call->tc_flags |= TC_F_SIGNAL | TC_F_ONCE;
	}
}

void
thread_call_setup(thread_call_t call, thread_call_func_t func, thread_call_param_t param0)
{
	thread_call_setup_with_options(call, func, param0, THREAD_CALL_PRIORITY_HIGH, 0);
}

thread_call_t
thread_call_allocate_with_options(thread_call_func_t func, thread_call_param_t param0,
                                  thread_call_priority_t pri, thread_call_options_t options)
{
	thread_call_t call;

	if (func == NULL) {
		panic("thread_call_allocate: NULL func");
	}
	call = kalloc(sizeof(*call));
	if (call == NULL) {
		return NULL;
	}
	thread_call_setup_with_options(call, func, param0, pri, options);
	call->tc_refs = 1;
	call->tc_flags |= TC_F_ALLOC;
	return call;
}

thread_call_t
thread_call_allocate_with_priority(thread_call_func_t func, thread_call_param_t param0,
                                   thread_call_priority_t pri)
{
	return thread_call_allocate_with_options(func, param0, pri, 0);
}

thread_call_t
thread_call_allocate(thread_call_func_t func, thread_call_param_t param0)
{
	return thread_call_allocate_with_options(func, param0, THREAD_CALL_PRIORITY_HIGH, 0);
}

boolean_t
thread_call_free(thread_call_t call)
{
	bool release = false;

	tc_lock_take();
	(void)tc_group_of(call, "thread_call_free");
	if (!(call->tc_flags & TC_F_ALLOC)) {
		panic("thread_call_free: (%p %p) not allocated by thread_call_allocate*", call,
		      call->tc_func);
	}
	if (call->tc_queue != NULL || (call->tc_flags & TC_F_RESCHEDULE)) {
		tc_lock_drop();
		return FALSE;
	}
	if (--call->tc_refs < 0) {
		panic("thread_call_free: (%p %p) refcount negative: %d", call, call->tc_func, call->tc_refs);
	}
	if (call->tc_refs == 0) {
		if (call->tc_flags & (TC_F_WAIT | TC_F_RUNNING)) {
			panic("thread_call_free: (%p %p) freeing a call that runs or is waited for", call,
			      call->tc_func);
		}
		call->tc_flags &= ~TC_F_INITIALIZED;
		release = true;
	}
	/* Otherwise a running invocation holds the last reference and frees the call when it returns. */
	tc_lock_drop();
	if (release) {
		kfree(call, sizeof(*call));
	}
	return TRUE;
}

/* ---- entering and cancelling ------------------------------------------------------------ */

boolean_t
thread_call_enter1(thread_call_t call, thread_call_param_t param1)
{
	bool result;

	tc_lock_take();
	(void)tc_group_of(call, "thread_call_enter");
	result = tc_pending_enqueue(call, mach_absolute_time());
	call->tc_param1 = param1;
	tc_lock_drop();
	return result;
}

boolean_t
thread_call_enter(thread_call_t call)
{
	return thread_call_enter1(call, NULL);
}

/*
 * All delayed entries end here; with call NULL a function callout of
 * (alt_func, alt_param0) is taken from the pool. Leeway is not used: calls
 * run as soon after their deadline as the host allows, and continuous time
 * equals absolute time because the host never sleeps.
 */
static boolean_t
tc_enter_delayed(thread_call_t call, thread_call_func_t alt_func, thread_call_param_t alt_param0,
                 thread_call_param_t param1, uint64_t deadline, uint64_t leeway, uint32_t flags)
{
	bool result;

	(void)leeway;
	(void)flags;
	tc_lock_take();
	if (call == NULL) {
		call = tc_internal_alloc(alt_func, alt_param0);
	}
	(void)tc_group_of(call, "thread_call_enter_delayed");
	call->tc_param1 = param1;
	result = tc_delayed_enqueue(call, deadline);
	tc_lock_drop();
	return result;
}

boolean_t
thread_call_enter_delayed(thread_call_t call, uint64_t deadline)
{
	if (call == NULL) {
		panic("thread_call_enter_delayed: NULL call");
	}
	return tc_enter_delayed(call, NULL, NULL, NULL, deadline, 0, 0);
}

boolean_t
thread_call_enter1_delayed(thread_call_t call, thread_call_param_t param1, uint64_t deadline)
{
	if (call == NULL) {
		panic("thread_call_enter1_delayed: NULL call");
	}
	return tc_enter_delayed(call, NULL, NULL, param1, deadline, 0, 0);
}

boolean_t
thread_call_enter_delayed_with_leeway(thread_call_t call, thread_call_param_t param1, uint64_t deadline,
                                      uint64_t leeway, uint32_t flags)
{
	if (call == NULL) {
		panic("thread_call_enter_delayed_with_leeway: NULL call");
	}
	return tc_enter_delayed(call, NULL, NULL, param1, deadline, leeway, flags);
}

void
thread_call_func_delayed(thread_call_func_t func, thread_call_param_t param, uint64_t deadline)
{
	if (func == NULL) {
		panic("thread_call_func_delayed: NULL func");
	}
	(void)tc_enter_delayed(NULL, func, param, NULL, deadline, 0, 0);
}

void
thread_call_func_delayed_with_leeway(thread_call_func_t func, thread_call_param_t param, uint64_t deadline,
                                     uint64_t leeway, uint32_t flags)
{
	if (func == NULL) {
		panic("thread_call_func_delayed_with_leeway: NULL func");
	}
	(void)tc_enter_delayed(NULL, func, param, NULL, deadline, leeway, flags);
}

/* Cancel pooled callouts of (func, param) on one list; TRUE if any. Lock held. */
static bool
tc_func_cancel_on(struct tc_link *list, thread_call_func_t func, thread_call_param_t param, bool cancel_all)
{
	bool removed = false;
	struct tc_link *link, *next;

	for (link = list->next; link != list; link = next) {
		thread_call_t call = tc_of_link(link);

		next = link->next;
		if (!(call->tc_flags & TC_F_INTERNAL) || call->tc_func != func || call->tc_param0 != param) {
			continue;
		}
		(void)tc_cancel_locked(call);
		tc_internal_release(call);
		removed = true;
		if (!cancel_all) {
			break;
		}
	}
	return removed;
}

/*
 * Only pooled callouts (thread_call_func_delayed) match; XNU also matches
 * allocated HIGH calls that happen to share func and param0.
 */
boolean_t
thread_call_func_cancel(thread_call_func_t func, thread_call_param_t param, boolean_t cancel_all)
{
	bool removed;

	if (func == NULL) {
		panic("thread_call_func_cancel: trying to cancel NULL func");
	}
	tc_lock_take();
	removed = tc_func_cancel_on(&tc_groups[TC_INDEX_HIGH].pending, func, param, cancel_all);
	if (!removed || cancel_all) {
		removed |= tc_func_cancel_on(&tc_delayed, func, param, cancel_all);
	}
	tc_lock_drop();
	return removed;
}

boolean_t
thread_call_cancel(thread_call_t call)
{
	bool canceled;

	tc_lock_take();
	(void)tc_group_of(call, "thread_call_cancel");
	canceled = tc_cancel_locked(call);
	tc_lock_drop();
	return canceled;
}

/* Wait until the running invocation (if any) of a ONCE call returns; TRUE if it waited. Lock held. */
static bool
tc_wait_once_locked(thread_call_t call)
{
	uint64_t finished = call->tc_finish_count;
	bool waited = false;

	while ((call->tc_flags & TC_F_RUNNING) && call->tc_finish_count == finished) {
		call->tc_flags |= TC_F_WAIT;
		assert_wait(call, THREAD_UNINT);
		tc_lock_drop();
		(void)thread_block(THREAD_CONTINUE_NULL);
		tc_lock_take();
		waited = true;
	}
	return waited;
}

/* Wait until every invocation entered so far has finished. Lock held. */
static void
tc_wait_locked(thread_call_t call)
{
	uint64_t submitted = call->tc_submit_count;

	while (call->tc_finish_count < submitted) {
		call->tc_flags |= TC_F_WAIT;
		assert_wait(call, THREAD_UNINT);
		tc_lock_drop();
		(void)thread_block(THREAD_CONTINUE_NULL);
		tc_lock_take();
	}
}

/* Panics unless the caller may block on `call` (see thread_call_cancel_wait). Lock held. */
static void
tc_check_waitable(thread_call_t call, const char *who)
{
	if (!(call->tc_flags & TC_F_ALLOC)) {
		panic("%s: (%p %p) can't wait on thread call whose storage I don't own", who, call,
		      call->tc_func);
	}
	if (tc_self != NULL && tc_self->current == call) {
		panic("%s: deadlock waiting on self from inside call: %p to function %p", who, call,
		      call->tc_func);
	}
}

boolean_t
thread_call_cancel_wait(thread_call_t call)
{
	bool canceled;

	tc_lock_take();
	(void)tc_group_of(call, "thread_call_cancel_wait");
	tc_check_waitable(call, "thread_call_cancel_wait");
	canceled = tc_cancel_locked(call);
	if (call->tc_flags & TC_F_ONCE) {
		/* At most one invocation runs: cancel the next and wait for the current. */
		(void)tc_wait_once_locked(call);
	} else if (!canceled) {
		tc_wait_locked(call);
	}
	tc_lock_drop();
	return canceled;
}

boolean_t
thread_call_wait_once(thread_call_t call)
{
	bool waited;

	tc_lock_take();
	(void)tc_group_of(call, "thread_call_wait_once");
	tc_check_waitable(call, "thread_call_wait_once");
	if (!(call->tc_flags & TC_F_ONCE)) {
		panic("thread_call_wait_once: (%p %p) can't wait_once on a non-once call", call,
		      call->tc_func);
	}
	waited = tc_wait_once_locked(call);
	tc_lock_drop();
	return waited;
}

boolean_t
thread_call_isactive(thread_call_t call)
{
	bool active;

	tc_lock_take();
	(void)tc_group_of(call, "thread_call_isactive");
	active = call->tc_queue != NULL || (call->tc_flags & (TC_F_RUNNING | TC_F_RESCHEDULE)) != 0;
	tc_lock_drop();
	return active;
}

uint64_t
thread_call_get_armed_deadline(thread_call_t call)
{
	uint64_t deadline;

	tc_lock_take();
	(void)tc_group_of(call, "thread_call_get_armed_deadline");
	deadline = call->tc_deadline;
	tc_lock_drop();
	return deadline;
}

/* ---- self-check ---------------------------------------------------------------------------- */

struct tc_selfcheck_probe {
	uint32_t fired;
	uint64_t fired_at;
};

static void
tc_selfcheck_fire(thread_call_param_t param0, thread_call_param_t param1)
{
	struct tc_selfcheck_probe *probe = param0;

	(void)param1;
	probe->fired_at = mach_absolute_time();
	__atomic_add_fetch(&probe->fired, 1, __ATOMIC_RELEASE);
}

/* A delayed call fires once, no earlier than its deadline; a cancelled one never does. */
int
thread_call_selfcheck(void)
{
	struct tc_selfcheck_probe probe = {0}, cancelled = {0};
	thread_call_t call, victim;
	uint64_t deadline, limit;
	int err = 0;

	call = thread_call_allocate(tc_selfcheck_fire, &probe);
	victim = thread_call_allocate(tc_selfcheck_fire, &cancelled);
	if (call == NULL || victim == NULL) {
		printf("thread_call_selfcheck: allocation failed\n");
		err = 1;
		goto out;
	}
	clock_interval_to_deadline(1, (uint32_t)NSEC_PER_MSEC, &deadline);
	(void)thread_call_enter_delayed(victim, deadline);
	(void)thread_call_enter_delayed(call, deadline);
	if (!thread_call_cancel(victim)) {
		printf("thread_call_selfcheck: cancelling a pending call returned FALSE\n");
		err = 1;
	}
	limit = mach_absolute_time() + 5 * NSEC_PER_SEC;
	while (__atomic_load_n(&probe.fired, __ATOMIC_ACQUIRE) == 0 && mach_absolute_time() < limit) {
		delay(200);
	}
	/*
	 * The victim was due first and would have been queued ahead of the call
	 * on the same serial group: by now it would have run. Allow a little more.
	 */
	delay(1000);
	if (__atomic_load_n(&probe.fired, __ATOMIC_ACQUIRE) != 1) {
		printf("thread_call_selfcheck: a delayed call ran %u times, expected once\n", probe.fired);
		err = 1;
	} else if (probe.fired_at < deadline) {
		printf("thread_call_selfcheck: a delayed call ran %llu ns before its deadline\n",
		       deadline - probe.fired_at);
		err = 1;
	}
	if (__atomic_load_n(&cancelled.fired, __ATOMIC_ACQUIRE) != 0) {
		printf("thread_call_selfcheck: a cancelled call ran\n");
		err = 1;
	}
out:
	/* cancel_wait: the probes live on this stack and must not be touched after we return. */
	if (call != NULL) {
		(void)thread_call_cancel_wait(call);
		(void)thread_call_free(call);
	}
	if (victim != NULL) {
		(void)thread_call_cancel_wait(victim);
		(void)thread_call_free(victim);
	}
	return err;
}
