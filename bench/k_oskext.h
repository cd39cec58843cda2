/*
 * k_oskext.h — kernel-side kext-system measurements for bench/oskext.c
 * (basic C types only). Times are nanoseconds; 0 or a Darwin errno.
 */
#ifndef KEXTHOST_BENCH_K_OSKEXT_H
#define KEXTHOST_BENCH_K_OSKEXT_H

#include <stdint.h>

/* Make `count` kext bundles of the bench kext under dir/Extensions and use that repository. */
int k_oskext_setup(const char *dir, int count);
/* kextload by path of bundle i (Info.plist, validation, authentication, dependencies, link, start), then unload. */
int k_oskext_cycle(int i, uint64_t *load_ns, uint64_t *unload_ns);
/* The linker's share of the same: read the executable, kxld_link, constructors, start; then stop and unlink. */
int k_oskext_link_cycle(uint64_t *load_ns, uint64_t *unload_ns);
/* Load bundles 0..count-1 by bundle identifier (repository scan included), then unload them all. */
int k_oskext_load_many(int count, uint64_t *load_ns, uint64_t *unload_ns);
/* Link the bench kext `count` times with kxld only (baseline of load_many), then unlink them all. */
int k_oskext_link_many(int count, uint64_t *load_ns, uint64_t *unload_ns);

#endif /* KEXTHOST_BENCH_K_OSKEXT_H */
