/*
 * k_sleep.h — kernel-side msleep/wakeup measurements for bench/sleep.c
 * (basic C types only: included by host and kernel code).
 */
#ifndef KEXTHOST_BENCH_K_SLEEP_H
#define KEXTHOST_BENCH_K_SLEEP_H

#include <stdint.h>

/*
 * Two kernel threads pass a turn back and forth `round_trips` times under
 * one lck_mtx, each waiting with msleep and handing over with wakeup. A
 * round trip is A -> B -> A. Returns the elapsed ns (kernel code has no
 * floating point: the host divides); < 0 on error (a timeout, i.e. a lost
 * wakeup).
 */
int64_t k_sleep_handoff(uint32_t round_trips);

#endif /* KEXTHOST_BENCH_K_SLEEP_H */
