/*
 * kctl.c — host side of the kernel control benchmark, medians of several
 * runs, each against a baseline measured in the same run:
 *  - a 64-byte echo through a kernel control (send → ctl_send →
 *    ctl_enqueuembuf → recv, all in the kernel's socket layer, no process
 *    crossing) against a 64-byte write+read on a Linux AF_UNIX SOCK_DGRAM
 *    socketpair in one thread (the host kernel's own datagram loopback);
 *  - mbuf_allocpacket + copyback + freem of 64 bytes against malloc + memcpy
 *    + free.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "bench/bench.h"
#include "bench/k_kctl.h"

#define KCTL_RUNS 7
#define KCTL_ITERS 20000
#define KCTL_SIZE 64

static double
kctl_host_dgram(void)
{
	int sv[2];
	char buf[KCTL_SIZE];
	uint64_t t0;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) != 0)
		return -1;
	memset(buf, 'x', sizeof(buf));
	t0 = bench_now_ns();
	for (int i = 0; i < KCTL_ITERS; i++) {
		if (write(sv[0], buf, sizeof(buf)) != sizeof(buf) ||
		    read(sv[1], buf, sizeof(buf)) != sizeof(buf))
			break;
	}
	t0 = bench_now_ns() - t0;
	close(sv[0]);
	close(sv[1]);
	return (double)t0 / KCTL_ITERS;
}

static double
kctl_host_malloc(void)
{
	static char src[KCTL_SIZE];
	uint64_t t0 = bench_now_ns();

	for (int i = 0; i < KCTL_ITERS; i++) {
		char *volatile p = malloc(KCTL_SIZE);

		memcpy(p, src, KCTL_SIZE);
		free(p);
	}
	return (double)(bench_now_ns() - t0) / KCTL_ITERS;
}

void
bench_kctl(k_kctl_report_fn report)
{
	double echo[KCTL_RUNS], host[KCTL_RUNS], mb[KCTL_RUNS], ma[KCTL_RUNS];

	for (int r = 0; r < KCTL_RUNS; r++) {
		int64_t e = k_kctl_echo(KCTL_ITERS, KCTL_SIZE), m = k_kctl_mbuf(KCTL_ITERS, KCTL_SIZE);

		if (e < 0 || m < 0) {
			fprintf(stderr, "bench kctl: kernel side failed\n");
			return;
		}
		echo[r] = (double)e / KCTL_ITERS;
		mb[r] = (double)m / KCTL_ITERS;
		host[r] = kctl_host_dgram();
		ma[r] = kctl_host_malloc();
	}
	report("kctl echo 64 B (send+ctl_send+enqueue+recv)", "ns", bench_median(echo, KCTL_RUNS),
	       "host AF_UNIX dgram write+read 64 B", bench_median(host, KCTL_RUNS));
	report("mbuf_allocpacket+copyback+freem 64 B", "ns", bench_median(mb, KCTL_RUNS),
	       "malloc+memcpy+free 64 B", bench_median(ma, KCTL_RUNS));
}
