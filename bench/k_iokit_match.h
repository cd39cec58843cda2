/*
 * k_iokit_match.h — kernel-side I/O Kit matching measurements for
 * bench/iokit_match.c (basic C types only: included by host and kernel code).
 */
#ifndef KEXTHOST_BENCH_K_IOKIT_MATCH_H
#define KEXTHOST_BENCH_K_IOKIT_MATCH_H

#include <stdint.h>

/*
 * Put `count` personalities in the catalogue: all but 9 name other provider
 * classes, 8 name the bench nub's class but miss on a passive key
 * (IONameMatch), 1 matches and starts a driver. 0 or < 0 on error.
 */
int64_t k_iokit_match_setup(uint32_t count);
/* Take them out again. */
void k_iokit_match_teardown(void);
/*
 * Create `nubs` nubs under buses of 1,000 and register each (synchronous
 * matching: the one matching driver starts on every nub); ns for creating,
 * attaching and registering; everything is terminated and freed afterwards
 * (not timed). < 0 on error, or when a nub or driver outlives the teardown.
 */
int64_t k_iokit_match_publish(uint32_t nubs);
/* Baseline: the same nubs created and attached, never registered (no matching). */
int64_t k_iokit_match_attach(uint32_t nubs);

#endif /* KEXTHOST_BENCH_K_IOKIT_MATCH_H */
