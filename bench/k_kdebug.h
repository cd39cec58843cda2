/*
 * k_kdebug.h — kernel-side kdebug measurements for bench/kdebug.c (basic C
 * types only: included by host and kernel code). Each returns the elapsed
 * nanoseconds of n iterations (< 0 on error); the host side divides.
 */
#ifndef KEXTHOST_BENCH_K_KDEBUG_H
#define KEXTHOST_BENCH_K_KDEBUG_H

#include <stdint.h>

/* An empty loop iteration (a compiler barrier only): the baseline of a disabled trace point. */
int64_t k_kdebug_empty_loop(uint64_t n);
/* KDBG(id, i) with tracing off: one load of kdebug_enable and a branch not taken. */
int64_t k_kdebug_disabled(uint64_t n);
/* KDBG(id, i) with tracing on (buffers set up, wrapping): a recorded event each time. */
int64_t k_kdebug_enabled(uint64_t n);
/* mach_absolute_time() per iteration: the clock read every recorded event makes. */
int64_t k_kdebug_clock(uint64_t n);

#endif /* KEXTHOST_BENCH_K_KDEBUG_H */
