/*
 * k_locks.h — kernel-side lck_mtx measurements for bench/locks.c (basic C
 * types only: included by host and kernel code).
 */
#ifndef KEXTHOST_BENCH_K_LOCKS_H
#define KEXTHOST_BENCH_K_LOCKS_H

#include <stdint.h>

/*
 * Kernel code has no floating point: these return elapsed nanoseconds and
 * the host side divides.
 */

/* lck_mtx_lock + lck_mtx_unlock of a free mutex, `pairs` times: elapsed ns (< 0 on error). */
int64_t k_locks_mtx_uncontended(uint64_t pairs);

/*
 * Two kernel threads each take and release one lck_mtx `ops_per_thread`
 * times around a one-increment critical section: elapsed ns from the first
 * start to the last finish (< 0 on error, e.g. a wrong final count).
 */
int64_t k_locks_mtx_contended(uint64_t ops_per_thread);

#endif /* KEXTHOST_BENCH_K_LOCKS_H */
