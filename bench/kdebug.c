/*
 * kdebug.c — host side of the kdebug benchmark (issue 8 targets: a disabled
 * trace point about one predictable branch, <= 2 ns; an enabled one <= 50
 * ns). Reports, each the median of several runs in this process:
 *   - a disabled trace point per loop iteration against the empty loop;
 *   - a recorded event against the bare clock read it has to make.
 */
#include <stdio.h>
#include <stdint.h>
#include "bench/bench.h"
#include "bench/k_kdebug.h"

#define KD_RUNS 7
#define KD_LOOP 20000000ull
#define KD_EVENTS 2000000ull

static double
per(int64_t ns, uint64_t n)
{
	return ns < 0 ? -1.0 : (double)ns / (double)n;
}

void
bench_kdebug(bench_report_fn report)
{
	double empty[KD_RUNS], off[KD_RUNS], on[KD_RUNS], clk[KD_RUNS];

	for (int r = 0; r < KD_RUNS; r++) {
		empty[r] = per(k_kdebug_empty_loop(KD_LOOP), KD_LOOP);
		off[r] = per(k_kdebug_disabled(KD_LOOP), KD_LOOP);
		on[r] = per(k_kdebug_enabled(KD_EVENTS), KD_EVENTS);
		clk[r] = per(k_kdebug_clock(KD_EVENTS), KD_EVENTS);
	}
	double me = bench_median(empty, KD_RUNS), mo = bench_median(off, KD_RUNS);
	report("KDBG disabled (loop iteration)", "ns", mo, "empty loop iteration", me);
	report("KDBG enabled (recorded event)", "ns", bench_median(on, KD_RUNS), "mach_absolute_time()",
	       bench_median(clk, KD_RUNS));
}
