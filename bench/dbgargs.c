/*
 * dbgargs.c — host side of the debug-checker benchmark (ns per operation,
 * medians of several interleaved runs):
 *  - lck_mtx lock+unlock with lock-order checking off, against a bare
 *    compare-and-swap lock word (lck_mtx's fast path without any hook): the
 *    price of the one branch the checker adds when off;
 *  - the same with checking on, against checking off;
 *  - kalloc(64)+kfree with zone poisoning on, against poisoning off.
 */
#include <stdint.h>
#include <stdio.h>
#include "bench/bench.h"
#include "bench/k_dbgargs.h"

#define DBG_RUNS 7
#define DBG_LOCK_PAIRS 2000000ull
#define DBG_LOCK_PAIRS_ON 200000ull
#define DBG_ZALLOC_PAIRS 200000ull

static double
dbg_median_lock(int mode, uint64_t pairs)
{
	double s[DBG_RUNS];

	for (int r = 0; r < DBG_RUNS; r++) {
		int64_t ns = k_dbg_lock_pairs(mode, pairs);

		s[r] = ns > 0 ? (double)ns / (double)pairs : 0.0;
	}
	return bench_median(s, DBG_RUNS);
}

static double
dbg_median_zalloc(int on)
{
	double s[DBG_RUNS];

	for (int r = 0; r < DBG_RUNS; r++) {
		int64_t ns = k_dbg_zalloc_pairs(on, DBG_ZALLOC_PAIRS);

		s[r] = ns > 0 ? (double)ns / (double)DBG_ZALLOC_PAIRS : 0.0;
	}
	return bench_median(s, DBG_RUNS);
}

void
bench_dbgargs(bench_report_fn report)
{
	double bare = dbg_median_lock(K_DBG_BARE, DBG_LOCK_PAIRS);
	double off = dbg_median_lock(K_DBG_OFF, DBG_LOCK_PAIRS);
	double on = dbg_median_lock(K_DBG_ON, DBG_LOCK_PAIRS_ON);
	double zoff = dbg_median_zalloc(0);
	double zon = dbg_median_zalloc(1);

	report("lck_mtx lock+unlock, lock-order checking off", "ns/pair", off, "bare CAS lock word", bare);
	report("lck_mtx lock+unlock, lock-order checking on", "ns/pair", on, "checking off", off);
	report("kalloc(64)+kfree, zone poisoning on", "ns/pair", zon, "poisoning off", zoff);
}
