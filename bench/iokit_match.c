/*
 * iokit_match.c — host side of the I/O Kit matching benchmark: publish
 * 10,000 and 100,000 nubs (registerService, synchronous matching) against
 * 1,000 personalities of which one matches each nub; time per nub against
 * creating and attaching the same entries without matching, and the
 * 100k/10k ratio of time per nub (1.0 = linear in the number of nubs).
 */
#include <stdio.h>
#include <stdint.h>
#include "bench/bench.h"
#include "bench/k_iokit_match.h"

#define IM_PERSONALITIES 1000u
#define IM_RUNS 3

/* Median ns per nub of IM_RUNS runs of fn(nubs); < 0 on error. */
static double
im_per_nub(int64_t (*fn)(uint32_t), uint32_t nubs, int runs)
{
	double s[IM_RUNS];

	for (int r = 0; r < runs; r++) {
		int64_t ns = fn(nubs);

		if (ns < 0)
			return -1;
		s[r] = (double)ns / nubs;
	}
	return bench_median(s, runs);
}

void
bench_iokit_match(bench_report_fn report)
{
	double p10, a10, p100, a100;

	if (k_iokit_match_setup(IM_PERSONALITIES) < 0) {
		fprintf(stderr, "iokit_match: setup failed\n");
		return;
	}
	p10 = im_per_nub(k_iokit_match_publish, 10000, IM_RUNS);
	a10 = im_per_nub(k_iokit_match_attach, 10000, IM_RUNS);
	p100 = im_per_nub(k_iokit_match_publish, 100000, 1);
	a100 = im_per_nub(k_iokit_match_attach, 100000, 1);
	k_iokit_match_teardown();
	if (p10 < 0 || a10 < 0 || p100 < 0 || a100 < 0) {
		fprintf(stderr, "iokit_match: a run failed\n");
		return;
	}
	report("publish 10k nubs, 1k personalities", "ns/nub", p10, "create+attach 10k nubs", a10);
	report("publish 100k nubs, 1k personalities", "ns/nub", p100, "create+attach 100k nubs", a100);
	report("publish 100k total", "ms", p100 * 100000 / 1e6, "1 s target", 1000);
	report("per-nub time 100k/10k", "ratio", p100 / p10, "linear", 1.0);
}
