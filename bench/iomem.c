/*
 * iomem.c — 1 MiB from a driver to a client process (tests/helpers/iomem_probe
 * bench), two ways in the same run: as a structure out of
 * IOConnectCallStructMethod, which the kernel writes into the caller's
 * buffer through a memory descriptor (process_vm_writev), against a scalar
 * call after which the same bytes are in a buffer the client mapped with
 * IOConnectMapMemory (the driver copies them into shared memory). The data
 * source in the kernel is the same 1 MiB; each figure is the median of N
 * rounds. The ratio says what sharing memory saves per megabyte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench/bench.h"
#include "bench/k_syscall.h"
#include "bench/k_iomem.h"

struct iomem_figures {
	double md, shared;
};

/* iomem_probe's output: the descriptor path's and the shared path's median ns. */
static void
iomem_line(const char *line, void *ctx)
{
	struct iomem_figures *f = ctx;

	sscanf(line, "bench %lf %lf", &f->md, &f->shared);
}

static int
run_probe(const char *probe, const char *sock, int n, double *md, double *shared)
{
	struct iomem_figures f = {0, 0};
	int err = bench_run_client(probe, sock, 0, n, iomem_line, &f);

	*md = f.md;
	*shared = f.shared;
	return err == 0 && f.md > 0 && f.shared > 0 ? 0 : -1;
}

void
bench_iomem(bench_report_fn report)
{
	char root[] = "/tmp/kbench-iomem-XXXXXX", sock[4200], probe[4200];
	double md, shared;

	if (bench_helper_path("iomem_probe", probe, sizeof(probe)) != 0) {
		printf("  (skipped: %s not built)\n", probe);
		return;
	}
	if (bench_kernel_root(root, sock, sizeof(sock)) != 0)
		return;
	if (k_iomem_publish() != 0 || k_syscall_server_start(root) != 0) {
		printf("  (skipped: the service or the request server did not start)\n");
		k_iomem_unpublish();
		return;
	}
	if (run_probe(probe, sock, 200, &md, &shared) == 0)
		report("iomem.1MiB_struct_out.descriptor", "ns", md, "1 MiB through mapped shared memory",
		       shared);
	else
		printf("  (client run failed)\n");
	k_syscall_server_stop();
	k_iomem_unpublish();
	bench_remove_root(root);
}
