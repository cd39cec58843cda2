/*
 * k_iomem.h — kernel-side helpers for bench/iomem.c (basic C types only): a
 * service whose user client shares memory (tests/iokit/memtest.h) published
 * in the benchmark's kernel, for a client process to open, map and call.
 */
#ifndef KEXTHOST_BENCH_K_IOMEM_H
#define KEXTHOST_BENCH_K_IOMEM_H

/* Attach, start and register MemTestService on IOResources; 0, or -1 if it could not be made. */
int k_iomem_publish(void);
/* Terminate it (its user clients and their mappings with it). */
void k_iomem_unpublish(void);

#endif /* KEXTHOST_BENCH_K_IOMEM_H */
