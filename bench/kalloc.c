/*
 * kalloc.c — host side of the allocator benchmark: kalloc+kfree against
 * glibc malloc+free for 16 to 4096 bytes, in two loop shapes run
 * identically on both sides: single alloc/free pairs, and batches of 64
 * allocations followed by 64 frees (ns per alloc+free pair). Every
 * allocation is touched so neither side can skip it. Each figure is the
 * median of several runs, kernel and baseline runs interleaved.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "bench/bench.h"
#include "bench/k_kalloc.h"

#define KALLOC_RUNS 11
#define KALLOC_PAIRS 1000000ull
#define KALLOC_ROUNDS (KALLOC_PAIRS / K_KALLOC_BATCH)

static const uint64_t kalloc_bench_sizes[] = {16, 64, 256, 1024, 4096};

static int64_t
malloc_pairs(uint64_t size, uint64_t pairs)
{
	uint64_t t0 = bench_now_ns();

	for (uint64_t i = 0; i < pairs; i++) {
		char *p = malloc(size);
		if (p == NULL)
			return -1;
		*(volatile char *)p = (char)i;
		free(p);
	}
	return (int64_t)(bench_now_ns() - t0);
}

static int64_t
malloc_batches(uint64_t size, uint64_t rounds)
{
	void *held[K_KALLOC_BATCH];
	uint64_t t0 = bench_now_ns();

	for (uint64_t r = 0; r < rounds; r++) {
		for (int i = 0; i < K_KALLOC_BATCH; i++) {
			char *p = malloc(size);
			if (p == NULL)
				return -1;
			*(volatile char *)p = (char)i;
			held[i] = p;
		}
		for (int i = 0; i < K_KALLOC_BATCH; i++)
			free(held[i]);
	}
	return (int64_t)(bench_now_ns() - t0);
}

/*
 * Median ns per pair of the kernel loop and of the malloc loop, their runs
 * interleaved so that both see the same machine load (after one warm-up
 * run each). Returns the kernel figure; *baseline gets malloc's.
 */
static double
kalloc_measure(int64_t (*kfn)(uint64_t, uint64_t), int64_t (*mfn)(uint64_t, uint64_t), uint64_t size,
               uint64_t n, uint64_t pairs, double *baseline)
{
	double ks[KALLOC_RUNS], ms[KALLOC_RUNS];

	*baseline = -1;
	if (kfn(size, n / 8 + 1) < 0 || mfn(size, n / 8 + 1) < 0)
		return -1;
	for (int r = 0; r < KALLOC_RUNS; r++) {
		int64_t kns = kfn(size, n);
		int64_t mns = mfn(size, n);
		if (kns < 0 || mns < 0)
			return -1;
		ks[r] = (double)kns / (double)pairs;
		ms[r] = (double)mns / (double)pairs;
	}
	*baseline = bench_median(ms, KALLOC_RUNS);
	return bench_median(ks, KALLOC_RUNS);
}

void
bench_kalloc(bench_report_fn report)
{
	char name[96], base[96];

	for (size_t i = 0; i < sizeof(kalloc_bench_sizes) / sizeof(kalloc_bench_sizes[0]); i++) {
		uint64_t size = kalloc_bench_sizes[i];
		double m;
		double k = kalloc_measure(k_kalloc_pairs, malloc_pairs, size, KALLOC_PAIRS, KALLOC_PAIRS, &m);
		snprintf(name, sizeof(name), "kalloc+kfree %llu B, pairs", (unsigned long long)size);
		snprintf(base, sizeof(base), "malloc+free %llu B, pairs", (unsigned long long)size);
		report(name, "ns", k, base, m);
	}
	for (size_t i = 0; i < sizeof(kalloc_bench_sizes) / sizeof(kalloc_bench_sizes[0]); i++) {
		uint64_t size = kalloc_bench_sizes[i];
		uint64_t pairs = KALLOC_ROUNDS * K_KALLOC_BATCH;
		double m;
		double k = kalloc_measure(k_kalloc_batches, malloc_batches, size, KALLOC_ROUNDS, pairs, &m);
		snprintf(name, sizeof(name), "kalloc+kfree %llu B, batches of %d", (unsigned long long)size,
		         K_KALLOC_BATCH);
		snprintf(base, sizeof(base), "malloc+free %llu B, batches of %d", (unsigned long long)size,
		         K_KALLOC_BATCH);
		report(name, "ns", k, base, m);
	}
}
