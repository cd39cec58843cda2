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

#include <stddef.h>
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
void bench_kdebug(bench_report_fn report);
void bench_dbgargs(bench_report_fn report);
void bench_pnp(bench_report_fn report);
void bench_pm(bench_report_fn report);

/* Timing a real client process (bench/client.c). */
/* The path of tests/helpers/<name> next to this harness; 0 when it is executable. */
int bench_helper_path(const char *name, char *buf, size_t size);
/* A kernel root made from the mkdtemp template root, with var/run; sock gets its socket path. */
int bench_kernel_root(char *root, char *sock, size_t size);
void bench_remove_root(const char *root);
/*
 * Run `helper bench n` with KEXTHOST_SOCKET=sock (KEXTHOST_NO_SHM=1 when
 * no_shm); each line of its output goes to line(text, ctx). 0 when it exited 0.
 */
int bench_run_client(const char *helper, const char *sock, int no_shm, int n,
                     void (*line)(const char *, void *), void *ctx);

/* Host-side helpers from bench/main.c. */
uint64_t bench_now_ns(void);
/* Median of n samples (sorts in place). */
double bench_median(double *samples, int n);
double bench_percentile(double *samples, int n, double p);

#endif /* KEXTHOST_BENCH_H */
