/*
 * k_dbgargs.h — kernel-side measurements of the debug checkers' cost for
 * bench/dbgargs.c (basic C types only). Each returns elapsed ns (< 0 on
 * error); the host side divides.
 */
#ifndef KEXTHOST_BENCH_K_DBGARGS_H
#define KEXTHOST_BENCH_K_DBGARGS_H

#include <stdint.h>

/* What each loop measures. */
#define K_DBG_BARE 0 /* baseline: a bare compare-and-swap lock word, as lck_mtx's fast path without hooks */
#define K_DBG_OFF 1  /* lck_mtx lock+unlock with lock-order checking off */
#define K_DBG_ON 2   /* ... with lock-order checking on (log mode), one other lock held */

int64_t k_dbg_lock_pairs(int mode, uint64_t pairs);

/* kalloc(64)+kfree pairs with zone poisoning off (on = 0) or on (on = 1). */
int64_t k_dbg_zalloc_pairs(int on, uint64_t pairs);

#endif /* KEXTHOST_BENCH_K_DBGARGS_H */
