/*
 * k_locks.c — kernel side of the lock benchmark: lck_mtx uncontended
 * lock/unlock pairs, and two kernel threads hammering one mutex. The calling
 * thread sleeps while the workers run so it does not take a CPU from them.
 */
#include <stddef.h>
#include <stdbool.h>
#include <kern/locks.h>
#include <kern/sched_prim.h>
#include <kern/thread.h>
#include "host/khost.h"
#include "bench/k_locks.h"

#define KB_LOCKS_THREADS 2

int64_t
k_locks_mtx_uncontended(uint64_t pairs)
{
	lck_grp_t *grp = lck_grp_alloc_init("bench", LCK_GRP_ATTR_NULL);
	lck_mtx_t *m = grp != NULL ? lck_mtx_alloc_init(grp, LCK_ATTR_NULL) : NULL;
	uint64_t t0, t1;

	if (m == NULL || pairs == 0)
		return -1;
	t0 = khost_uptime_ns();
	for (uint64_t i = 0; i < pairs; i++) {
		lck_mtx_lock(m);
		__asm__ __volatile__("" ::: "memory");
		lck_mtx_unlock(m);
	}
	t1 = khost_uptime_ns();
	lck_mtx_free(m, grp);
	lck_grp_free(grp);
	return (int64_t)(t1 - t0);
}

struct kb_contended {
	lck_mtx_t *m;
	uint64_t ops;
	uint64_t counter; /* under m */
	uint32_t ready;
	uint32_t go;
	uint32_t done;
	uint64_t start[KB_LOCKS_THREADS];
	uint64_t end[KB_LOCKS_THREADS];
};

static void
kb_contended_worker(void *arg, wait_result_t wr)
{
	struct kb_contended *c = arg;
	uint32_t me = __atomic_fetch_add(&c->ready, 1, __ATOMIC_ACQ_REL);

	while (!__atomic_load_n(&c->go, __ATOMIC_ACQUIRE))
		__asm__ __volatile__("pause" ::: "memory");
	c->start[me] = khost_uptime_ns();
	for (uint64_t i = 0; i < c->ops; i++) {
		lck_mtx_lock(c->m);
		c->counter++;
		lck_mtx_unlock(c->m);
	}
	c->end[me] = khost_uptime_ns();
	if (__atomic_add_fetch(&c->done, 1, __ATOMIC_ACQ_REL) == KB_LOCKS_THREADS)
		thread_wakeup(&c->done);
}

int64_t
k_locks_mtx_contended(uint64_t ops_per_thread)
{
	static struct kb_contended c;
	lck_grp_t *grp = lck_grp_alloc_init("bench", LCK_GRP_ATTR_NULL);
	uint64_t first, last;
	int64_t result = -1;

	if (grp == NULL || ops_per_thread == 0)
		return -1;
	c = (struct kb_contended){.ops = ops_per_thread};
	c.m = lck_mtx_alloc_init(grp, LCK_ATTR_NULL);
	if (c.m == NULL)
		goto out;
	for (int i = 0; i < KB_LOCKS_THREADS; i++) {
		thread_t th;
		if (kernel_thread_start(kb_contended_worker, &c, &th) != KERN_SUCCESS)
			goto out; /* the started worker waits for `go` forever: acceptable in a failed bench */
		thread_deallocate(th);
	}
	while (__atomic_load_n(&c.ready, __ATOMIC_ACQUIRE) != KB_LOCKS_THREADS)
		khost_thread_yield();
	__atomic_store_n(&c.go, 1, __ATOMIC_RELEASE);
	for (;;) {
		assert_wait(&c.done, THREAD_UNINT);
		if (__atomic_load_n(&c.done, __ATOMIC_ACQUIRE) == KB_LOCKS_THREADS) {
			(void)clear_wait(current_thread(), THREAD_AWAKENED);
			break;
		}
		(void)thread_block(THREAD_CONTINUE_NULL);
	}
	if (c.counter != ops_per_thread * KB_LOCKS_THREADS)
		goto out;
	first = c.start[0] < c.start[1] ? c.start[0] : c.start[1];
	last = c.end[0] > c.end[1] ? c.end[0] : c.end[1];
	result = (int64_t)(last - first);
out:
	if (result >= 0) {
		lck_mtx_free(c.m, grp);
		lck_grp_free(grp);
	}
	return result;
}
