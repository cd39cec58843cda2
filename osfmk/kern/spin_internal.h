/*
 * spin_internal.h — adaptive spinning before a futex sleep, for contended
 * locks (lock_mtx.c, lock_rw.c) and for thread_block (sched_prim.c).
 *
 * Why spin: on this host a futex sleep plus a cross-CPU wake costs tens of
 * microseconds, a cache-line handoff well under one. Why adapt: spinning
 * only pays while the thread we wait for is running, and a hosted kernel
 * cannot see whether a thread is on a CPU (XNU's adaptive mutex checks
 * exactly that). When the host is oversubscribed the thread we wait for is
 * often preempted, and our spin burns the CPU it needs. So each thread
 * learns from its own spins, separately for each use:
 *  - a spin that waited and won within its budget doubles the budget (up
 *    to the maximum); one that found its condition true at once says
 *    nothing; one that won only after running over its budget was
 *    preempted meanwhile and counts as lost;
 *  - a lost spin halves the budget; below max/16 spinning stops, except
 *    for one probe of max/16 every SPIN_PROBE_EVERY waits, which restarts
 *    it (at max/8) if it wins.
 * Budgets start at the maximum.
 */
#ifndef _KERN_SPIN_INTERNAL_H_
#define _KERN_SPIN_INTERNAL_H_

#include <stdbool.h>
#include <stdint.h>
#include "host/khost.h"

#define SPIN_PROBE_EVERY 8
#define SPIN_BUDGET_INIT UINT32_MAX /* "the maximum", whatever it is when first used */

struct spin_state {
	uint32_t ss_budget_ns;
	uint32_t ss_skipped; /* waits without a spin since the budget fell to 0 */
};

/* A bounded spin in progress. */
struct spin_timer {
	uint64_t st_end;
	uint32_t st_iter;
};

static inline void
spin_state_init(struct spin_state *s)
{
	s->ss_budget_ns = SPIN_BUDGET_INIT;
	s->ss_skipped = 0;
}

/* Start a spin of at most max_ns: FALSE when this wait should not spin at all. */
static inline bool
spin_begin(struct spin_state *s, uint64_t max_ns, struct spin_timer *t)
{
	uint64_t budget = s->ss_budget_ns < max_ns ? s->ss_budget_ns : max_ns;

	if (budget == 0) {
		if (max_ns == 0 || ++s->ss_skipped % SPIN_PROBE_EVERY != 0)
			return false;
		budget = max_ns / 16; /* a probe */
	}
	t->st_end = khost_uptime_ns() + budget;
	t->st_iter = 0;
	return true;
}

/* Call once per spin iteration; TRUE when the budget is used up (reads the clock every 8). */
static inline bool
spin_expired(struct spin_timer *t)
{
	return (++t->st_iter & 7) == 0 && khost_uptime_ns() >= t->st_end;
}

static inline void
spin_feedback(struct spin_state *s, uint64_t max_ns, bool won)
{
	uint64_t b = s->ss_budget_ns < max_ns ? s->ss_budget_ns : max_ns;

	if (won)
		b = b == 0 ? max_ns / 8 : (b * 2 < max_ns ? b * 2 : max_ns);
	else
		b = b / 2 >= max_ns / 16 ? b / 2 : 0;
	s->ss_budget_ns = (uint32_t)b;
}

/* The spin got what it waited for. */
static inline void
spin_won(struct spin_state *s, uint64_t max_ns, struct spin_timer *t)
{
	if (t->st_iter == 0)
		return; /* no wait at all: no evidence either way */
	spin_feedback(s, max_ns, t->st_iter < 8 || khost_uptime_ns() <= t->st_end);
}

/* The spin used up its budget: the caller sleeps. */
static inline void
spin_lost(struct spin_state *s, uint64_t max_ns)
{
	spin_feedback(s, max_ns, false);
}

#endif /* _KERN_SPIN_INTERNAL_H_ */
