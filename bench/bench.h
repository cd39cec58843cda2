/*
 * bench.h — the contract between the benchmark harness (host side, may use
 * pthreads and libc for baselines) and the kernel-side measurement code
 * (bench/k_*.c, built in the kernel environment). Only basic C types here.
 *
 * Every figure is reported with a baseline measured in the same run; the
 * harness prints a table and writes results.json with
 * name, unit, value, baseline, baseline_value, ratio = value / baseline_value.
 */
#ifndef KEXTHOST_BENCH_H
#define KEXTHOST_BENCH_H

#include <stdint.h>

typedef void (*bench_report_fn)(const char *name, const char *unit, double value, const char *baseline,
                                double baseline_value);

/* Host-side entry points, one per area (bench/<area>.c). */
void bench_locks(bench_report_fn report);
void bench_kalloc(bench_report_fn report);
void bench_sleep(bench_report_fn report);
void bench_thread_call(bench_report_fn report);
void bench_objc(bench_report_fn report);
void bench_kxld(bench_report_fn report);
void bench_oskext(bench_report_fn report);
void bench_syscall(bench_report_fn report);
void bench_kctl(bench_report_fn report);
void bench_dev(bench_report_fn report);
void bench_iokit_wl(bench_report_fn report);
void bench_iokit_match(bench_report_fn report);
void bench_iouc(bench_report_fn report);
void bench_iomem(bench_report_fn report);

/* Host-side helpers from bench/main.c. */
uint64_t bench_now_ns(void);
/* Median of n samples (sorts in place). */
double bench_median(double *samples, int n);
double bench_percentile(double *samples, int n, double p);

#endif /* KEXTHOST_BENCH_H */
