/*
 * bench_devread.c — the client half of the character-device benchmark
 * (bench/dev.c): run under `kexthost run`, it reads SIZE bytes at a time
 * from the hosted kernel's /dev/zero ITERS times, RUNS times, and the same
 * from Linux's /dev/zero, and prints the two medians in MB/s:
 * "<kexthost> <host>".
 *
 *   bench_devread RUNS ITERS SIZE
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <kexthost/kh_syscall.h>

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 5, iters = argc > 2 ? atoi(argv[2]) : 500;
	size_t size = argc > 3 ? (size_t)atol(argv[3]) : 65536;
	double k[64], h[64];
	char *buf = aligned_alloc(4096, (size + 4095) & ~(size_t)4095);
	int kfd, hfd;

	if (runs < 1 || runs > 64 || iters < 1 || buf == NULL)
		return 2;
	kfd = kh_open("/dev/zero", O_RDONLY);
	hfd = open("/dev/zero", O_RDONLY);
	if (kfd < 0 || hfd < 0) {
		perror("bench_devread: open /dev/zero");
		return 1;
	}
	for (int r = 0; r < runs; r++) {
		double t0 = now_s();
		for (int i = 0; i < iters; i++)
			if (kh_read(kfd, buf, size) != (ssize_t)size) {
				perror("bench_devread: kh_read");
				return 1;
			}
		double t1 = now_s();
		for (int i = 0; i < iters; i++)
			if (read(hfd, buf, size) != (ssize_t)size)
				return 1;
		double t2 = now_s();
		k[r] = (double)iters * (double)size / (t1 - t0) / 1e6;
		h[r] = (double)iters * (double)size / (t2 - t1) / 1e6;
	}
	qsort(k, (size_t)runs, sizeof(double), cmp);
	qsort(h, (size_t)runs, sizeof(double), cmp);
	printf("%.1f %.1f\n", k[runs / 2], h[runs / 2]);
	return 0;
}
