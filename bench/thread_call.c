/*
 * thread_call.c — host side of the thread_call benchmark: lateness of
 * thread_call_enter_delayed (callout start minus deadline) over delays of
 * 1-5 ms, against a host pthread sleeping to the same kind of deadlines with
 * clock_nanosleep(TIMER_ABSTIME). The thread call pays for two wakeups (timer
 * thread, then worker) where the baseline pays for one.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bench/bench.h"
#include "bench/k_thread_call.h"

#define TC_BENCH_CALLS 300
#define TC_BENCH_RUNS 3

struct tc_baseline {
	const uint32_t *delays_us;
	int n;
	uint64_t *lateness_ns;
};

static void *
tc_baseline_thread(void *arg)
{
	struct tc_baseline *b = arg;

	for (int i = 0; i < b->n; i++) {
		uint64_t deadline = bench_now_ns() + (uint64_t)b->delays_us[i] * 1000;
		struct timespec ts = {.tv_sec = (time_t)(deadline / 1000000000ull),
		                      .tv_nsec = (long)(deadline % 1000000000ull)};

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
		}
		uint64_t now = bench_now_ns();
		b->lateness_ns[i] = now > deadline ? now - deadline : 0;
	}
	return NULL;
}

/* p50 and p99 of n lateness samples, in microseconds. */
static void
tc_percentiles(const uint64_t *ns, int n, double *p50, double *p99)
{
	double us[TC_BENCH_CALLS];

	for (int i = 0; i < n; i++)
		us[i] = (double)ns[i] / 1000.0;
	*p50 = bench_percentile(us, n, 50.0);
	*p99 = bench_percentile(us, n, 99.0);
}

void
bench_thread_call(bench_report_fn report)
{
	static uint32_t delays_us[TC_BENCH_CALLS];
	static uint64_t lateness[TC_BENCH_CALLS];
	double k50[TC_BENCH_RUNS], k99[TC_BENCH_RUNS], h50[TC_BENCH_RUNS], h99[TC_BENCH_RUNS];
	uint32_t rng = 0x7c11u;

	for (int i = 0; i < TC_BENCH_CALLS; i++) {
		rng = rng * 1103515245u + 12345u;
		delays_us[i] = 1000 + (rng >> 8) % 4001; /* 1-5 ms */
	}
	for (int run = 0; run < TC_BENCH_RUNS; run++) {
		int err = k_thread_call_lateness(delays_us, TC_BENCH_CALLS, lateness);
		if (err != 0) {
			fprintf(stderr, "bench_thread_call: kernel run failed (errno %d)\n", err);
			return;
		}
		tc_percentiles(lateness, TC_BENCH_CALLS, &k50[run], &k99[run]);

		struct tc_baseline b = {delays_us, TC_BENCH_CALLS, lateness};
		pthread_t th;
		if (pthread_create(&th, NULL, tc_baseline_thread, &b) != 0) {
			fprintf(stderr, "bench_thread_call: pthread_create failed\n");
			return;
		}
		pthread_join(th, NULL);
		tc_percentiles(lateness, TC_BENCH_CALLS, &h50[run], &h99[run]);
	}
	report("thread_call_enter_delayed lateness p50", "us", bench_median(k50, TC_BENCH_RUNS),
	       "clock_nanosleep(TIMER_ABSTIME) lateness p50", bench_median(h50, TC_BENCH_RUNS));
	report("thread_call_enter_delayed lateness p99", "us", bench_median(k99, TC_BENCH_RUNS),
	       "clock_nanosleep(TIMER_ABSTIME) lateness p99", bench_median(h99, TC_BENCH_RUNS));
}
