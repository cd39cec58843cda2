/*
 * k_pnp.h — kernel-side plug-and-play measurements for bench/pnp.c (basic C
 * types only: included by host and kernel code).
 */
#ifndef KEXTHOST_BENCH_K_PNP_H
#define KEXTHOST_BENCH_K_PNP_H

#include <stdint.h>

/* Put the bench driver's personality in the catalogue. 0, or < 0 on error. */
int64_t k_pnp_setup(void);
/* Take it out again. */
void k_pnp_teardown(void);
/*
 * Hot-add n devices one at a time: publish an IOVirtualDevice nub on the
 * virtual bus (as `devctl add` does: matching runs on a config thread),
 * wait for the matched driver's start() to return, remove the device
 * (orderly, synchronous; not timed). ns[i] gets the latency from the call
 * that publishes the nub to the end of start(). 0, or < 0 on error (a
 * driver that never started within 10 s, or instances left behind).
 */
int64_t k_pnp_hotadd(uint32_t n, uint64_t *ns);
/*
 * Baseline: the same driver class created, attached and started directly
 * (no nub, no matching) on one provider, n times; ns[i] from the
 * allocation to the end of start(). 0, or < 0 on error.
 */
int64_t k_pnp_direct(uint32_t n, uint64_t *ns);

#endif /* KEXTHOST_BENCH_K_PNP_H */
