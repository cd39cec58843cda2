/*
 * dev.c — host side of the character-device benchmark: throughput of 64 KiB
 * reads of the hosted kernel's /dev/zero against the host's own read(2) of
 * Linux's /dev/zero (the physical limit), same run, medians of several runs.
 *
 *  - "kernel path": the read system call's handler run in this process
 *    (k_dev_read_zero): descriptor lookup, fileops, cdevsw, uiomove, and the
 *    copyout into the caller's buffer through process_vm_writev.
 *  - "client process": a real client (build/bin/bench_devread) run under
 *    `kexthost run`, i.e. the full crossing: request message, kernel thread,
 *    64 KiB carried back in the reply. Skipped when the programs are not
 *    found next to this one (../bin).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bench/bench.h"
#include "bench/k_dev.h"

#define DEV_RUNS 7
#define DEV_ITERS 2000
#define DEV_SIZE (64 * 1024)

static char dev_buf[DEV_SIZE] __attribute__((aligned(4096)));

static double
dev_host_read(void)
{
	int fd = open("/dev/zero", O_RDONLY);
	uint64_t t0, t1;

	if (fd < 0)
		return 0;
	t0 = bench_now_ns();
	for (int i = 0; i < DEV_ITERS; i++)
		if (read(fd, dev_buf, DEV_SIZE) != DEV_SIZE)
			break;
	t1 = bench_now_ns();
	close(fd);
	return (double)DEV_ITERS * DEV_SIZE / ((double)(t1 - t0) / 1e9) / 1e6;
}

/* Run the client under `kexthost run`; it prints "<client MB/s> <host MB/s>". */
static int
dev_client(double *client, double *host)
{
	char exe[PATH_MAX], cmd[3 * PATH_MAX + 128], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	FILE *f;
	int ok;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL)
		return -1;
	*slash = '\0'; /* .../bench */
	snprintf(
	        cmd, sizeof(cmd),
	        "r=$(mktemp -d) && %s/../bin/kexthost run --root \"$r\" -- %s/../bin/bench_devread %d %d %d; "
	        "st=$?; rm -rf \"$r\"; exit $st",
	        exe, exe, DEV_RUNS, DEV_ITERS / 4, DEV_SIZE);
	if (access(exe, X_OK) != 0)
		return -1;
	f = popen(cmd, "r");
	if (f == NULL)
		return -1;
	ok = fscanf(f, "%lf %lf", client, host) == 2;
	return pclose(f) == 0 && ok ? 0 : -1;
}

void
bench_dev(k_dev_report_fn report)
{
	double k[DEV_RUNS], h[DEV_RUNS], client, host;

	for (int r = 0; r < DEV_RUNS; r++) {
		int64_t ns = k_dev_read_zero(DEV_ITERS, DEV_SIZE, dev_buf);

		if (ns <= 0) {
			printf("  dev: kernel read of /dev/zero failed (%lld)\n", (long long)ns);
			return;
		}
		k[r] = (double)DEV_ITERS * DEV_SIZE / ((double)ns / 1e9) / 1e6;
		h[r] = dev_host_read();
	}
	report("dev.read 64KiB /dev/zero, kernel path", "MB/s", bench_median(k, DEV_RUNS),
	       "host read(2) of /dev/zero 64KiB", bench_median(h, DEV_RUNS));
	if (dev_client(&client, &host) == 0)
		report("dev.read 64KiB /dev/zero, client process", "MB/s", client,
		       "host read(2) of /dev/zero 64KiB", host);
	else
		printf("  dev: client-process measurement skipped (bin/kexthost or bin/bench_devread "
		       "missing)\n");
}
