/*
 * iokit_wl.c — host side of the I/O Kit work-loop benchmark:
 *  - IOCommandGate runAction throughput against a bare lck_mtx lock, direct
 *    call and unlock (what the gate adds: a recursive lock and an enabled
 *    check);
 *  - interrupt-to-action latency (causeInterrupt -> interrupt thread ->
 *    work loop thread: two wakeups) against one msleep/wakeup between two
 *    kernel threads; median and p99.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include "bench/bench.h"
#include "bench/k_iokit_wl.h"

#define WL_GATE_ITERS 2000000u
#define WL_RUNS 5
#define WL_SAMPLES 3000u

static int
wl_latency(int64_t (*fn)(uint32_t, int64_t *), double *median, double *p99)
{
	int64_t *raw = calloc(WL_SAMPLES, sizeof(*raw));
	double *d = calloc(WL_SAMPLES, sizeof(*d));
	int ok = 0;

	if (raw != NULL && d != NULL && fn(WL_SAMPLES, raw) == (int64_t)WL_SAMPLES) {
		for (uint32_t i = 0; i < WL_SAMPLES; i++)
			d[i] = (double)raw[i];
		*median = bench_median(d, WL_SAMPLES);
		*p99 = bench_percentile(d, WL_SAMPLES, 99.0);
		ok = 1;
	}
	free(raw);
	free(d);
	return ok;
}

void
bench_iokit_wl(bench_report_fn report)
{
	double g[WL_RUNS], m[WL_RUNS];
	double im, ip, wm, wp;

	for (int run = 0; run < WL_RUNS; run++) {
		int64_t a = k_iokit_wl_gate(WL_GATE_ITERS);
		int64_t b = k_iokit_wl_mutex(WL_GATE_ITERS);

		if (a < 0 || b < 0) {
			fprintf(stderr, "iokit_wl: gate benchmark failed\n");
			return;
		}
		g[run] = (double)a / WL_GATE_ITERS;
		m[run] = (double)b / WL_GATE_ITERS;
	}
	report("IOCommandGate runAction", "ns/call", bench_median(g, WL_RUNS), "lck_mtx lock+call+unlock",
	       bench_median(m, WL_RUNS));
	if (!wl_latency(k_iokit_wl_irq_latency, &im, &ip) ||
	    !wl_latency(k_iokit_wl_wakeup_latency, &wm, &wp)) {
		fprintf(stderr, "iokit_wl: latency benchmark failed\n");
		return;
	}
	report("interrupt->action latency median", "ns", im, "msleep/wakeup median", wm);
	report("interrupt->action latency p99", "ns", ip, "msleep/wakeup p99", wp);
}
