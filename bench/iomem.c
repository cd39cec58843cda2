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

static int
probe_path(char *buf, size_t size)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return -1;
	exe[n] = '\0';
	for (int i = 0; i < 2; i++) { /* .../bench/kbench -> ... */
		slash = strrchr(exe, '/');
		if (slash == NULL)
			return -1;
		*slash = '\0';
	}
	snprintf(buf, size, "%s/tests/helpers/iomem_probe", exe);
	return access(buf, X_OK);
}

/* iomem_probe bench n in a child: the descriptor path's and the shared path's median ns. */
static int
run_probe(const char *probe, const char *sock, int n, double *md, double *shared)
{
	char arg[32], line[128];
	int pfd[2], st;
	FILE *f;
	pid_t c;

	*md = *shared = 0;
	if (pipe(pfd) != 0)
		return -1;
	snprintf(arg, sizeof(arg), "%d", n);
	c = fork();
	if (c == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		setenv("KEXTHOST_SOCKET", sock, 1);
		unsetenv("KEXTHOST_NO_SHM");
		execl(probe, probe, "bench", arg, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		sscanf(line, "bench %lf %lf", md, shared);
	if (f != NULL)
		fclose(f);
	waitpid(c, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 && *md > 0 && *shared > 0 ? 0 : -1;
}

void
bench_iomem(bench_report_fn report)
{
	char root[] = "/tmp/kbench-iomem-XXXXXX", path[4200], sock[4200], probe[4200];
	double md, shared;

	if (probe_path(probe, sizeof(probe)) != 0) {
		printf("  (skipped: %s not built)\n", probe);
		return;
	}
	if (mkdtemp(root) == NULL)
		return;
	snprintf(path, sizeof(path), "%s/var", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/var/run", root);
	mkdir(path, 0755);
	snprintf(sock, sizeof(sock), "%s/var/run/kexthost.sock", root);
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
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	if (system(path) != 0)
		printf("  (could not remove %s)\n", root);
}
