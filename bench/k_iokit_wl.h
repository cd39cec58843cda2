/*
 * k_iokit_wl.h — kernel-side I/O Kit work-loop measurements for
 * bench/iokit_wl.c (basic C types only: included by host and kernel code).
 */
#ifndef KEXTHOST_BENCH_K_IOKIT_WL_H
#define KEXTHOST_BENCH_K_IOKIT_WL_H

#include <stdint.h>

/* ns for `iters` IOCommandGate runAction calls of an empty action; < 0 on error. */
int64_t k_iokit_wl_gate(uint32_t iters);
/* ns for `iters` lck_mtx lock + direct call of the same action + unlock. */
int64_t k_iokit_wl_mutex(uint32_t iters);
/*
 * Interrupt-to-action latency: `samples` times, causeInterrupt on a virtual
 * nub and wait until the IOInterruptEventSource's action runs on the work
 * loop; out[i] = ns from the raise to the action. 0 or < 0 on error.
 */
int64_t k_iokit_wl_irq_latency(uint32_t samples, int64_t *out);
/* Baseline: one kernel thread sleeping in msleep, woken by wakeup; ns to the sleeper running. */
int64_t k_iokit_wl_wakeup_latency(uint32_t samples, int64_t *out);

#endif /* KEXTHOST_BENCH_K_IOKIT_WL_H */
