/*
 * pnp.c — host side of the plug-and-play benchmark: hot-add latency (a
 * device published on the virtual bus to its matched driver's start()
 * returning), median and p99 over PNP_SAMPLES hot-adds, against a direct
 * create+attach+start of the same driver class (no nub, no matching) in
 * the same run. A warm-up round first, so the config threads and the
 * catalogue index exist before anything is timed.
 */
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include "bench/bench.h"
#include "bench/k_pnp.h"

#define PNP_WARMUP 50u
#define PNP_SAMPLES 2000u

/* Run fn over n samples into us[] (µs); 0, or -1 on error. */
static int
pnp_sample(int64_t (*fn)(uint32_t, uint64_t *), uint32_t n, double *us)
{
	uint64_t *ns = calloc(n, sizeof(*ns));
	int rc = -1;

	if (ns != NULL && fn(n, ns) == 0) {
		for (uint32_t i = 0; i < n; i++)
			us[i] = (double)ns[i] / 1000.0;
		rc = 0;
	}
	free(ns);
	return rc;
}

void
bench_pnp(bench_report_fn report)
{
	double *hot = calloc(PNP_SAMPLES, sizeof(double)), *direct = calloc(PNP_SAMPLES, sizeof(double));
	double hm, h99, dm, d99;

	if (hot == NULL || direct == NULL || k_pnp_setup() < 0) {
		fprintf(stderr, "pnp: setup failed\n");
		goto out;
	}
	if (pnp_sample(k_pnp_hotadd, PNP_WARMUP, hot) != 0 ||
	    pnp_sample(k_pnp_direct, PNP_WARMUP, direct) != 0 ||
	    pnp_sample(k_pnp_hotadd, PNP_SAMPLES, hot) != 0 ||
	    pnp_sample(k_pnp_direct, PNP_SAMPLES, direct) != 0) {
		fprintf(stderr, "pnp: a run failed\n");
		goto out;
	}
	/* bench_percentile sorts in place: the median first, then p99 of the same sorted samples. */
	hm = bench_median(hot, PNP_SAMPLES);
	h99 = bench_percentile(hot, PNP_SAMPLES, 99.0);
	dm = bench_median(direct, PNP_SAMPLES);
	d99 = bench_percentile(direct, PNP_SAMPLES, 99.0);
	report("hot-add to driver started, median", "us", hm, "direct create+attach+start, median", dm);
	report("hot-add to driver started, p99", "us", h99, "direct create+attach+start, p99", d99);
out:
	k_pnp_teardown();
	free(hot);
	free(direct);
}
