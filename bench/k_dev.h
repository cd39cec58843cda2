/*
 * k_dev.h — kernel-side character-device measurements for bench/dev.c (basic
 * C types only: included by host and kernel code), and the area's host-side
 * entry point.
 */
#ifndef KEXTHOST_BENCH_K_DEV_H
#define KEXTHOST_BENCH_K_DEV_H

#include <stdint.h>

/*
 * A process for this very host process is attached, opens /dev/zero and
 * reads `size` bytes into buf `iters` times through the read system call's
 * handler (fileops → cdevsw → uiomove → copyout into buf with
 * process_vm_writev, as for a client whose buffer is not in the message).
 * Returns the elapsed ns, < 0 on error.
 */
int64_t k_dev_read_zero(uint32_t iters, uint32_t size, void *buf);

/* Host side (bench/dev.c): the area's entry point for the harness's table. */
typedef void (*k_dev_report_fn)(const char *name, const char *unit, double value, const char *baseline,
                                double baseline_value);
void bench_dev(k_dev_report_fn report);

#endif /* KEXTHOST_BENCH_K_DEV_H */
