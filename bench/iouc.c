/*
 * iouc.c — a user-client call from a client process (tests/helpers/uc_probe
 * bench) against the boundary's null call (kh_getpid) made by the same
 * process in the same run: IOConnectCallScalarMethod with 2 scalars in and 1
 * out (an io_connect_method MIG message to the connect port, the argument
 * checks, the method) through the shared ring, and again over the socket
 * only. Target: the scalar call within 1.3x the null call. Each figure is
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
	snprintf(buf, size, "%s/tests/helpers/uc_probe", exe);
	return access(buf, X_OK);
}

/* uc_probe bench n in a child: the null call's and the scalar call's ns. */
static int
run_probe(const char *probe, const char *sock, int no_shm, int n, double *nul, double *uc)
{
	char arg[32], line[128];
	int pfd[2], st;
	FILE *f;
	pid_t c;

	*nul = *uc = 0;
	if (pipe(pfd) != 0)
		return -1;
	snprintf(arg, sizeof(arg), "%d", n);
	c = fork();
	if (c == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		setenv("KEXTHOST_SOCKET", sock, 1);
		if (no_shm)
			setenv("KEXTHOST_NO_SHM", "1", 1);
		else
			unsetenv("KEXTHOST_NO_SHM");
		execl(probe, probe, "bench", arg, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		sscanf(line, "null_ns %lf", nul);
		sscanf(line, "uc_scalar_ns %lf", uc);
	}
	if (f != NULL)
		fclose(f);
	waitpid(c, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 && *nul > 0 && *uc > 0 ? 0 : -1;
}

void
bench_iouc(bench_report_fn report)
{
	char root[] = "/tmp/kbench-iouc-XXXXXX", path[4200], sock[4200], probe[4200];
	double nul, uc;

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
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	if (system(path) != 0)
		printf("  (could not remove %s)\n", root);
}
