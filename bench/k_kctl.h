/*
 * k_kctl.h — kernel-side kernel control measurements for bench/kctl.c
 * (basic C types only), and the area's host-side entry point.
 */
#ifndef KEXTHOST_BENCH_K_KCTL_H
#define KEXTHOST_BENCH_K_KCTL_H

#include <stdint.h>

/*
 * `iters` round trips of a `size`-byte message through a kernel control
 * whose ctl_send echoes with ctl_enqueuembuf: send on a PF_SYSTEM socket,
 * the kext callback, the receive queue, recv. Elapsed ns, < 0 on error.
 */
int64_t k_kctl_echo(uint32_t iters, uint32_t size);
/* `iters` mbuf_allocpacket(size) + mbuf_copyback + mbuf_freem. Elapsed ns. */
int64_t k_kctl_mbuf(uint32_t iters, uint32_t size);

typedef void (*k_kctl_report_fn)(const char *name, const char *unit, double value, const char *baseline,
                                 double baseline_value);
void bench_kctl(k_kctl_report_fn report);

#endif /* KEXTHOST_BENCH_K_KCTL_H */
