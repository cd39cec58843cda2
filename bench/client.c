/*
 * client.c — what the benchmarks that time a real client process share: the
 * path of a test helper program next to the harness, a kernel root for the
 * in-process request server, and running `HELPER bench N` against it with
 * each line of its output handed to the area's parser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench/bench.h"

int
bench_helper_path(const char *name, char *buf, size_t size)
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
	snprintf(buf, size, "%s/tests/helpers/%s", exe, name);
	return access(buf, X_OK);
}

int
bench_kernel_root(char *root, char *sock, size_t size)
{
	char path[4200];

	if (mkdtemp(root) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/var", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/var/run", root);
	mkdir(path, 0755);
	snprintf(sock, size, "%s/var/run/kexthost.sock", root);
	return 0;
}

void
bench_remove_root(const char *root)
{
	char cmd[4300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		printf("  (could not remove %s)\n", root);
}

int
bench_run_client(const char *helper, const char *sock, int no_shm, int n, void (*line)(const char *, void *),
                 void *ctx)
{
	char arg[32], buf[256];
	int pfd[2], st;
	FILE *f;
	pid_t c;

	if (pipe(pfd) != 0)
		return -1;
	snprintf(arg, sizeof(arg), "%d", n);
	c = fork();
	if (c < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (c == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		setenv("KEXTHOST_SOCKET", sock, 1);
		if (no_shm)
			setenv("KEXTHOST_NO_SHM", "1", 1);
		else
			unsetenv("KEXTHOST_NO_SHM");
		execl(helper, helper, "bench", arg, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	f = fdopen(pfd[0], "r");
	while (f != NULL && fgets(buf, sizeof(buf), f) != NULL)
		line(buf, ctx);
	if (f != NULL)
		fclose(f);
	else
		close(pfd[0]);
	waitpid(c, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}
