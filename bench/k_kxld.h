/*
 * k_kxld.h — kernel-side kext-linker measurements for bench/kxld.c (basic C
 * types only: included by host and kernel code). Times are nanoseconds;
 * functions return 0 or a Darwin errno.
 */
#ifndef KEXTHOST_BENCH_K_KXLD_H
#define KEXTHOST_BENCH_K_KXLD_H

#include <stdint.h>

/*
 * Read the object at `path`, link it, run its constructors and call
 * int entry(const char *) with "kx" (load_ns covers all of that, as dlopen
 * + dlsym + the call do); then unlink (unload_ns). *result is entry's value.
 */
int k_kxld_load_cycle(const char *path, const char *entry, uint64_t *load_ns, uint64_t *unload_ns,
                      int *result);
/* Read and link the object `count` times, keeping every image (link_ns), then unlink them all. */
int k_kxld_load_many(const char *path, int count, uint64_t *link_ns, uint64_t *unload_ns);

/*
 * Read and link the object, then unlink it (link_ns: read + link), with or
 * without its debug object and JIT registration (debug = 0: no_debug_object).
 */
int k_kxld_debug_cycle(const char *path, int debug, uint64_t *link_ns);

#endif /* KEXTHOST_BENCH_K_KXLD_H */
