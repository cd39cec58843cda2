/*
 * k_kalloc.h — kernel-side kalloc measurements for bench/kalloc.c (basic C
 * types only: included by host and kernel code). Both return elapsed
 * nanoseconds (kernel code has no floating point), or < 0 on error.
 */
#ifndef KEXTHOST_BENCH_K_KALLOC_H
#define KEXTHOST_BENCH_K_KALLOC_H

#include <stdint.h>

#define K_KALLOC_BATCH 64

/* `pairs` times: kalloc(size), touch one byte, kfree. */
int64_t k_kalloc_pairs(uint64_t size, uint64_t pairs);
/* `rounds` times: K_KALLOC_BATCH kallocs (each touched), then as many kfrees. */
int64_t k_kalloc_batches(uint64_t size, uint64_t rounds);

#endif /* KEXTHOST_BENCH_K_KALLOC_H */
