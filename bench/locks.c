/*
 * locks.c — host side of the lock benchmark: lck_mtx against a default
 * glibc pthread mutex, uncontended (ns per lock+unlock pair) and with two
 * threads hammering one lock around a one-increment critical section (ns
 * per op). Each figure is the median of several runs; the baseline runs in
 * the same process right after the kernel figure.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include "bench/bench.h"
#include "bench/k_locks.h"

#define LOCKS_RUNS 7
#define LOCKS_UNCONTENDED_PAIRS 5000000ull
#define LOCKS_CONTENDED_OPS 1000000ull

static double
locks_pthread_uncontended(uint64_t pairs)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	uint64_t t0 = bench_now_ns();

	for (uint64_t i = 0; i < pairs; i++) {
		pthread_mutex_lock(&m);
		__asm__ __volatile__("" ::: "memory");
		pthread_mutex_unlock(&m);
	}
	return (double)(bench_now_ns() - t0) / (double)pairs;
}

struct locks_contended {
	pthread_mutex_t m;
	uint64_t ops;
	uint64_t counter;
	uint32_t ready;
	uint32_t go;
	uint64_t start[2], end[2];
};

static void *
locks_contended_worker(void *arg)
{
	struct locks_contended *c = arg;
	uint32_t me = __atomic_fetch_add(&c->ready, 1, __ATOMIC_ACQ_REL);

	while (!__atomic_load_n(&c->go, __ATOMIC_ACQUIRE))
		__asm__ __volatile__("pause" ::: "memory");
	c->start[me] = bench_now_ns();
	for (uint64_t i = 0; i < c->ops; i++) {
		pthread_mutex_lock(&c->m);
		c->counter++;
		pthread_mutex_unlock(&c->m);
	}
	c->end[me] = bench_now_ns();
	return NULL;
}

static double
locks_pthread_contended(uint64_t ops)
{
	struct locks_contended c = {.m = PTHREAD_MUTEX_INITIALIZER, .ops = ops};
	pthread_t th[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, locks_contended_worker, &c) != 0)
			return -1;
	while (__atomic_load_n(&c.ready, __ATOMIC_ACQUIRE) != 2)
		sched_yield();
	__atomic_store_n(&c.go, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	if (c.counter != 2 * ops)
		return -1;
	uint64_t first = c.start[0] < c.start[1] ? c.start[0] : c.start[1];
	uint64_t last = c.end[0] > c.end[1] ? c.end[0] : c.end[1];
	return (double)(last - first) / (double)(2 * ops);
}

void
bench_locks(bench_report_fn report)
{
	double k[LOCKS_RUNS], b[LOCKS_RUNS];

	for (int run = 0; run < LOCKS_RUNS; run++) {
		k[run] = (double)k_locks_mtx_uncontended(LOCKS_UNCONTENDED_PAIRS) /
		         (double)LOCKS_UNCONTENDED_PAIRS;
		b[run] = locks_pthread_uncontended(LOCKS_UNCONTENDED_PAIRS);
		if (k[run] < 0 || b[run] < 0) {
			fprintf(stderr, "bench_locks: uncontended run failed\n");
			return;
		}
	}
	report("lck_mtx lock+unlock, uncontended", "ns", bench_median(k, LOCKS_RUNS),
	       "pthread_mutex lock+unlock", bench_median(b, LOCKS_RUNS));

	for (int run = 0; run < LOCKS_RUNS; run++) {
		k[run] = (double)k_locks_mtx_contended(LOCKS_CONTENDED_OPS) /
		         (double)(2 * LOCKS_CONTENDED_OPS);
		b[run] = locks_pthread_contended(LOCKS_CONTENDED_OPS);
		if (k[run] < 0 || b[run] < 0) {
			fprintf(stderr, "bench_locks: contended run failed\n");
			return;
		}
	}
	report("lck_mtx, 2 threads contending (per op)", "ns", bench_median(k, LOCKS_RUNS),
	       "pthread_mutex, 2 threads contending", bench_median(b, LOCKS_RUNS));
}
