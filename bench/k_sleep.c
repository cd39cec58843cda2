/*
 * k_sleep.c — kernel side of the sleep benchmark: two kernel threads pass a
 * turn back and forth with msleep/wakeup under one lck_mtx, the classic BSD
 * handoff. The calling thread sleeps while they run.
 */
#include <stddef.h>
#include <stdbool.h>
#include <sys/param.h>
#include <sys/systm.h>
#include <kern/locks.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include "host/khost.h"
#include "bench/k_sleep.h"

struct kb_handoff {
	lck_mtx_t *m;
	uint32_t rounds;
	int turn; /* under m: 0 or 1 */
	uint32_t ready;
	uint32_t go;
	uint32_t done;
	uint32_t timeouts;
	uint64_t start, end;
};

static void
kb_handoff_side(struct kb_handoff *h, int me)
{
	struct timespec ts = {.tv_sec = 5, .tv_nsec = 0};

	__atomic_add_fetch(&h->ready, 1, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(&h->go, __ATOMIC_ACQUIRE))
		__asm__ __volatile__("pause" ::: "memory");
	if (me == 0)
		h->start = khost_uptime_ns();
	lck_mtx_lock(h->m);
	for (uint32_t i = 0; i < h->rounds; i++) {
		while (h->turn != me) {
			if (msleep(&h->turn, h->m, PZERO, "handoff", &ts) == EWOULDBLOCK) {
				__atomic_add_fetch(&h->timeouts, 1, __ATOMIC_RELAXED);
				goto out;
			}
		}
		h->turn = !me;
		wakeup(&h->turn);
	}
out:
	lck_mtx_unlock(h->m);
	if (me == 0)
		h->end = khost_uptime_ns();
	if (__atomic_add_fetch(&h->done, 1, __ATOMIC_ACQ_REL) == 2)
		thread_wakeup(&h->done);
}

static void
kb_handoff_a(void *arg, wait_result_t wr)
{
	kb_handoff_side(arg, 0);
}

static void
kb_handoff_b(void *arg, wait_result_t wr)
{
	kb_handoff_side(arg, 1);
}

int64_t
k_sleep_handoff(uint32_t round_trips)
{
	static struct kb_handoff h;
	lck_grp_t *grp = lck_grp_alloc_init("bench", LCK_GRP_ATTR_NULL);
	thread_t th;

	if (grp == NULL || round_trips == 0)
		return -1;
	h = (struct kb_handoff){.rounds = round_trips};
	h.m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	if (h.m == NULL)
		return -1;
	if (kernel_thread_start(kb_handoff_a, &h, &th) != KERN_SUCCESS)
		return -1;
	thread_deallocate(th);
	if (kernel_thread_start(kb_handoff_b, &h, &th) != KERN_SUCCESS)
		return -1; /* the first side waits for `go` forever: acceptable in a failed bench */
	thread_deallocate(th);
	while (__atomic_load_n(&h.ready, __ATOMIC_ACQUIRE) != 2)
		khost_thread_yield();
	__atomic_store_n(&h.go, 1, __ATOMIC_RELEASE);
	for (;;) {
		assert_wait(&h.done, THREAD_UNINT);
		if (__atomic_load_n(&h.done, __ATOMIC_ACQUIRE) == 2) {
			(void)clear_wait(current_thread(), THREAD_AWAKENED);
			break;
		}
		(void)thread_block(THREAD_CONTINUE_NULL);
	}
	if (h.timeouts != 0)
		return -1;
	lck_mtx_free(h.m, grp);
	lck_grp_free(grp);
	return (int64_t)(h.end - h.start);
}
