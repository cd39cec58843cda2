/*
 * pm.c — host side of the power management benchmark (bench/k_pm.c): the
 * time of a full system sleep/wake cycle for a power tree of 1,000 devices
 * (10 parents under the root domain, each with 99 children), against
 *  - the same 2,000 setPowerState calls made directly (what PM itself adds);
 *  - per device, the same cycle on a 100-device tree of the same depth
 *    (10 parents with 9 children each): a ratio near 1 means the cost grows
 *    linearly with the tree.
 * Each figure is the median of PM_RUNS cycles after one warm-up cycle.
 */
#include <stdio.h>
#include <stdint.h>
#include "bench/bench.h"
#include "bench/k_pm.h"

#define PM_RUNS 7
#define PM_PARENTS 10u

static int
pm_tree(uint32_t children, double *cycleMs, double *directMs)
{
	double c[PM_RUNS], d[PM_RUNS];
	int ok = -1;

	if (k_pm_setup(PM_PARENTS, children) != 0 || k_pm_cycle() < 0)
		goto out;
	for (int i = 0; i < PM_RUNS; i++) {
		int64_t a = k_pm_cycle(), b = k_pm_direct();

		if (a < 0 || b < 0)
			goto out;
		c[i] = (double)a / 1e6;
		d[i] = (double)b / 1e6;
	}
	*cycleMs = bench_median(c, PM_RUNS);
	*directMs = bench_median(d, PM_RUNS);
	ok = 0;
out:
	if (k_pm_teardown() != 0)
		ok = -1;
	return ok;
}

void
bench_pm(bench_report_fn report)
{
	double big, bigDirect, small, smallDirect;

	if (pm_tree(99, &big, &bigDirect) != 0 || pm_tree(9, &small, &smallDirect) != 0) {
		fprintf(stderr, "pm: benchmark failed (see the kernel log)\n");
		return;
	}
	report("PM sleep/wake cycle, 1,000 devices (10x99)", "ms", big, "2,000 setPowerState calls, direct",
	       bigDirect);
	report("PM sleep/wake per device, 1,000 devices", "us", big * 1000 / 1000,
	       "per device, 100 devices (10x9)", small * 1000 / 100);
}
