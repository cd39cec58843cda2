/*
 * k_kalloc.c — kernel side of the kalloc benchmark: the same two loop
 * shapes as the malloc baseline in bench/kalloc.c (single pairs, and
 * batches of allocations then frees), timed with the host clock.
 */
#include <kern/kalloc.h>
#include "host/khost.h"
#include "bench/k_kalloc.h"

int64_t
k_kalloc_pairs(uint64_t size, uint64_t pairs)
{
	uint64_t t0 = khost_uptime_ns();

	for (uint64_t i = 0; i < pairs; i++) {
		char *p = kalloc(size);
		if (p == NULL) {
			return -1;
		}
		*(volatile char *)p = (char)i;
		kfree(p, size);
	}
	return (int64_t)(khost_uptime_ns() - t0);
}

int64_t
k_kalloc_batches(uint64_t size, uint64_t rounds)
{
	void *held[K_KALLOC_BATCH];
	uint64_t t0 = khost_uptime_ns();

	for (uint64_t r = 0; r < rounds; r++) {
		for (int i = 0; i < K_KALLOC_BATCH; i++) {
			char *p = kalloc(size);
			if (p == NULL) {
				return -1;
			}
			*(volatile char *)p = (char)i;
			held[i] = p;
		}
		for (int i = 0; i < K_KALLOC_BATCH; i++) {
			kfree(held[i], size);
		}
	}
	return (int64_t)(khost_uptime_ns() - t0);
}
