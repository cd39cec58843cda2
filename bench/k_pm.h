/*
 * k_pm.h — kernel-side power management measurements for bench/pm.c
 * (basic C types only: included by host and kernel code).
 */
#ifndef KEXTHOST_BENCH_K_PM_H
#define KEXTHOST_BENCH_K_PM_H

#include <stdint.h>

/*
 * Build a power tree of `parents` devices under the root domain, each with
 * `children` power children (parents * (children + 1) devices), every one
 * wanting its highest of 3 states; 0 when it is up and settled.
 */
int k_pm_setup(uint32_t parents, uint32_t children);
/*
 * One full system sleep and wake (IOPMrootDomain sleep, every device down
 * leaf first; wake, every device back up root first): ns, or < 0 when a
 * device did not get exactly one setPowerState each way or is not back on.
 */
int64_t k_pm_cycle(void);
/* Baseline: ns for the same number of setPowerState calls (down, then up) made directly. */
int64_t k_pm_direct(void);
/* Take the tree down; < 0 when a device outlived it. */
int k_pm_teardown(void);

#endif /* KEXTHOST_BENCH_K_PM_H */
