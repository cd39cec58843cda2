/*
 * iouc.c — a user-client call from a client process (tests/helpers/uc_probe
 * bench) against the boundary's null call (kh_getpid) made by the same
 * process in the same run: IOConnectCallScalarMethod with 2 scalars in and 1
 * out (the compact user-client call, the argument checks, the method)
 * through the shared ring, and again over the socket only. Target: the scalar call within 1.3x the null call. Each figure is
 * the median of 7 runs of N calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench/bench.h"
#include "bench/k_syscall.h"
#include "bench/k_iouc.h"

struct iouc_figures {
	double nul, uc;
};

/* uc_probe's output: the null call's and the scalar call's ns. */
static void
iouc_line(const char *line, void *ctx)
{
	struct iouc_figures *f = ctx;

	sscanf(line, "null_ns %lf", &f->nul);
	sscanf(line, "uc_scalar_ns %lf", &f->uc);
}

static int
run_probe(const char *probe, const char *sock, int no_shm, int n, double *nul, double *uc)
{
	struct iouc_figures f = {0, 0};
	int err = bench_run_client(probe, sock, no_shm, n, iouc_line, &f);

	*nul = f.nul;
	*uc = f.uc;
	return err == 0 && f.nul > 0 && f.uc > 0 ? 0 : -1;
}

void
bench_iouc(bench_report_fn report)
{
	char root[] = "/tmp/kbench-iouc-XXXXXX", sock[4200], probe[4200];
	double nul, uc;

	if (bench_helper_path("uc_probe", probe, sizeof(probe)) != 0) {
		printf("  (skipped: %s not built)\n", probe);
		return;
	}
	if (bench_kernel_root(root, sock, sizeof(sock)) != 0)
		return;
	if (k_iouc_publish() != 0 || k_syscall_server_start(root) != 0) {
		printf("  (skipped: the service or the request server did not start)\n");
		k_iouc_unpublish();
		return;
	}
	if (run_probe(probe, sock, 0, 20000, &nul, &uc) == 0)
		report("iouc.scalar_call", "ns", uc, "the boundary's null call", nul);
	else
		printf("  (client run failed)\n");
	if (run_probe(probe, sock, 1, 2000, &nul, &uc) == 0)
		report("iouc.scalar_call.socket_only", "ns", uc, "the null call, socket only", nul);
	k_syscall_server_stop();
	k_iouc_unpublish();
	bench_remove_root(root);
}
