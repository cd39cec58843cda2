/*
 * k_thread_call.h — kernel-side thread_call measurements for
 * bench/thread_call.c (basic C types only: included by host and kernel code).
 */
#ifndef KEXTHOST_BENCH_K_THREAD_CALL_H
#define KEXTHOST_BENCH_K_THREAD_CALL_H

#include <stdint.h>

/*
 * Enter one delayed thread call n times in a row, the i-th time with a
 * deadline delays_us[i] from now, and store in lateness_ns[i] how long after
 * its deadline the callout started. Returns 0, or an errno value.
 */
int k_thread_call_lateness(const uint32_t *delays_us, int n, uint64_t *lateness_ns);

#endif /* KEXTHOST_BENCH_K_THREAD_CALL_H */
