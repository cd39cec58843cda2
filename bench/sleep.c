/*
 * sleep.c — host side of the sleep benchmark: an msleep/wakeup handoff
 * round trip between two kernel threads against the same handoff between
 * two pthreads with a mutex and a condition variable (pthread_cond_wait /
 * pthread_cond_signal). Median of several runs, baseline in the same run.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include "bench/bench.h"
#include "bench/k_sleep.h"

#define SLEEP_RUNS 7
#define SLEEP_ROUND_TRIPS 20000

struct sleep_handoff {
	pthread_mutex_t m;
	pthread_cond_t cv;
	uint32_t rounds;
	int turn;
	uint32_t ready;
	uint32_t go;
	uint64_t start, end;
};

struct sleep_side {
	struct sleep_handoff *h;
	int me;
};

static void *
sleep_side_main(void *arg)
{
	struct sleep_side *s = arg;
	struct sleep_handoff *h = s->h;

	__atomic_add_fetch(&h->ready, 1, __ATOMIC_ACQ_REL);
	while (!__atomic_load_n(&h->go, __ATOMIC_ACQUIRE))
		__asm__ __volatile__("pause" ::: "memory");
	if (s->me == 0)
		h->start = bench_now_ns();
	pthread_mutex_lock(&h->m);
	for (uint32_t i = 0; i < h->rounds; i++) {
		while (h->turn != s->me)
			pthread_cond_wait(&h->cv, &h->m);
		h->turn = !s->me;
		pthread_cond_signal(&h->cv);
	}
	pthread_mutex_unlock(&h->m);
	if (s->me == 0)
		h->end = bench_now_ns();
	return NULL;
}

static double
sleep_condvar_handoff(uint32_t rounds)
{
	struct sleep_handoff h = {
	        .m = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER, .rounds = rounds};
	struct sleep_side sides[2] = {{&h, 0}, {&h, 1}};
	pthread_t th[2];

	for (int i = 0; i < 2; i++)
		if (pthread_create(&th[i], NULL, sleep_side_main, &sides[i]) != 0)
			return -1;
	while (__atomic_load_n(&h.ready, __ATOMIC_ACQUIRE) != 2)
		sched_yield();
	__atomic_store_n(&h.go, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	return (double)(h.end - h.start) / (double)rounds;
}

void
bench_sleep(bench_report_fn report)
{
	double k[SLEEP_RUNS], b[SLEEP_RUNS];

	for (int run = 0; run < SLEEP_RUNS; run++) {
		k[run] = (double)k_sleep_handoff(SLEEP_ROUND_TRIPS) / (double)SLEEP_ROUND_TRIPS;
		b[run] = sleep_condvar_handoff(SLEEP_ROUND_TRIPS);
		if (k[run] < 0 || b[run] < 0) {
			fprintf(stderr, "bench_sleep: a run failed\n");
			return;
		}
	}
	report("msleep/wakeup handoff round trip", "ns", bench_median(k, SLEEP_RUNS),
	       "pthread_cond_wait/signal round trip", bench_median(b, SLEEP_RUNS));
}
