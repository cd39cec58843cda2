/*
 * syscall.c — the user/kernel boundary's round trips, against baselines
 * measured in the same run (host side; may use libc):
 *   - a null call (getpid) and a 64-byte ioctl (_IOWR, on the hosted
 *     /dev/null) made by a separate client process (kh_sysprobe) through
 *     the shared ring, and again over the socket only (KEXTHOST_NO_SHM);
 *   - a raw SOCK_SEQPACKET ping-pong between two processes;
 *   - a raw shared-memory spin-then-futex ping-pong between two processes
 *     (the same spin policy as the ring);
 *   - the host's own getpid() and ioctl on /dev/null (the physical limit);
 *   - the same null call and raw ping-pongs with every thread pinned to CPU 0.
 * Each figure is the median of 7 runs of N round trips.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench/bench.h"
#include "bench/k_syscall.h"

#define RUNS 7
#define N_RAW 20000
#define SPIN 4000

/* ---- raw SOCK_SEQPACKET ping-pong ------------------------------------------ */

static double
raw_socket(int n)
{
	double s[RUNS];
	char b[8] = {0};
	int sv[2];
	pid_t c;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) != 0)
		return 0;
	c = fork();
	if (c == 0) {
		close(sv[0]);
		while (recv(sv[1], b, sizeof(b), 0) > 0)
			send(sv[1], b, sizeof(b), 0);
		_exit(0);
	}
	close(sv[1]);
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();
		for (int i = 0; i < n; i++) {
			send(sv[0], b, sizeof(b), 0);
			recv(sv[0], b, sizeof(b), 0);
		}
		s[r] = (double)(bench_now_ns() - t0) / n;
	}
	close(sv[0]);
	waitpid(c, NULL, 0);
	return bench_median(s, RUNS);
}

/* ---- raw shared-memory spin-then-futex ping-pong --------------------------- */

struct pp {
	uint32_t seq[2]; /* [0]: ping, [1]: pong */
	uint32_t sleeping[2];
	char pad[48];
};

static void
pp_wait(struct pp *m, int w, uint32_t want)
{
	unsigned int spin = 0;

	while (__atomic_load_n(&m->seq[w], __ATOMIC_ACQUIRE) != want) {
		if (spin < SPIN) {
			__builtin_ia32_pause();
			if (++spin % 64 == 0)
				sched_yield();
			continue;
		}
		uint32_t cur = __atomic_load_n(&m->seq[w], __ATOMIC_SEQ_CST);
		__atomic_store_n(&m->sleeping[w], 1, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&m->seq[w], __ATOMIC_SEQ_CST) == cur && cur != want)
			syscall(SYS_futex, &m->seq[w], FUTEX_WAIT, cur, NULL, NULL, 0);
		__atomic_store_n(&m->sleeping[w], 0, __ATOMIC_RELAXED);
		spin = SPIN / 2;
	}
}

static void
pp_post(struct pp *m, int w, uint32_t v)
{
	__atomic_store_n(&m->seq[w], v, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&m->sleeping[w], __ATOMIC_SEQ_CST))
		syscall(SYS_futex, &m->seq[w], FUTEX_WAKE, 1, NULL, NULL, 0);
}

static double
raw_shm(int n)
{
	double s[RUNS];
	struct pp *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint32_t total = (uint32_t)n * RUNS;
	pid_t c;

	if (m == MAP_FAILED)
		return 0;
	memset(m, 0, sizeof(*m));
	c = fork();
	if (c == 0) {
		for (uint32_t i = 1; i <= total; i++) {
			pp_wait(m, 0, i);
			pp_post(m, 1, i);
		}
		_exit(0);
	}
	uint32_t v = 0;
	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();
		for (int i = 0; i < n; i++) {
			pp_post(m, 0, ++v);
			pp_wait(m, 1, v);
		}
		s[r] = (double)(bench_now_ns() - t0) / n;
	}
	waitpid(c, NULL, 0);
	munmap(m, 4096);
	return bench_median(s, RUNS);
}

/* ---- the host ---------------------------------------------------------------- */

static double
host_getpid(int n)
{
	double s[RUNS];

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();
		for (int i = 0; i < n; i++)
			syscall(SYS_getpid);
		s[r] = (double)(bench_now_ns() - t0) / n;
	}
	return bench_median(s, RUNS);
}

static double
host_ioctl(int n)
{
	double s[RUNS];
	char arg[64];
	int fd = open("/dev/null", O_RDWR);

	for (int r = 0; r < RUNS; r++) {
		uint64_t t0 = bench_now_ns();
		for (int i = 0; i < n; i++)
			ioctl(fd, _IOWR('k', 77, char[64]), arg);
		s[r] = (double)(bench_now_ns() - t0) / n;
	}
	close(fd);
	return bench_median(s, RUNS);
}

/* ---- pinning ------------------------------------------------------------------ */

/* Pin (cpu >= 0) or unpin (cpu < 0) every thread of this process: the kernel's workers too. */
static void
pin_all(int cpu)
{
	cpu_set_t set;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;

	CPU_ZERO(&set);
	if (cpu >= 0)
		CPU_SET(cpu, &set);
	else
		for (int i = 0; i < CPU_SETSIZE && i < 1024; i++)
			CPU_SET(i, &set);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] != '.')
			sched_setaffinity(atoi(e->d_name), sizeof(set), &set);
	}
	closedir(d);
}

/* ---- the client ------------------------------------------------------------- */

struct syscall_figures {
	double nul, ioc, mig;
};

/* kh_sysprobe's output: the null call's, the ioctl's and the MIG call's ns. */
static void
syscall_line(const char *line, void *ctx)
{
	struct syscall_figures *f = ctx;

	sscanf(line, "null_ns %lf", &f->nul);
	sscanf(line, "ioctl_ns %lf", &f->ioc);
	sscanf(line, "mig_ns %lf", &f->mig);
}

static int
run_probe(const char *probe, const char *sock, int no_shm, int n, double *nul, double *ioc, double *mig)
{
	struct syscall_figures f = {0, 0, 0};
	int err = bench_run_client(probe, sock, no_shm, n, syscall_line, &f);

	*nul = f.nul;
	*ioc = f.ioc;
	*mig = f.mig;
	return err == 0 && f.nul > 0 ? 0 : -1;
}

void
bench_syscall(bench_report_fn report)
{
	char root[] = "/tmp/kbench-syscall-XXXXXX", sock[4200], probe[4200];
	double nul, ioc, mig, snul, sioc, smig, rs, rm, hg, hi;

	if (bench_helper_path("kh_sysprobe", probe, sizeof(probe)) != 0) {
		printf("  (skipped: %s not built)\n", probe);
		return;
	}
	if (bench_kernel_root(root, sock, sizeof(sock)) != 0)
		return;
	if (k_syscall_server_start(root) != 0) {
		printf("  (skipped: the request server did not start)\n");
		return;
	}

	rs = raw_socket(N_RAW);
	rm = raw_shm(N_RAW);
	hg = host_getpid(200000);
	hi = host_ioctl(200000);
	if (run_probe(probe, sock, 0, 20000, &nul, &ioc, &mig) == 0) {
		report("syscall.null_call", "ns", nul, "raw shm spin-futex ping-pong", rm);
		report("syscall.null_call", "ns", nul, "raw SOCK_SEQPACKET ping-pong", rs);
		report("syscall.null_call", "ns", nul, "host getpid()", hg);
		report("syscall.ioctl_64B", "ns", ioc, "raw shm spin-futex ping-pong", rm);
		report("syscall.ioctl_64B", "ns", ioc, "raw SOCK_SEQPACKET ping-pong", rs);
		report("syscall.ioctl_64B", "ns", ioc, "host ioctl(/dev/null)", hi);
		report("mach.mig_call", "ns", mig, "the boundary's null call", nul);
		report("mach.mig_call", "ns", mig, "raw shm spin-futex ping-pong", rm);
	} else {
		printf("  (client run failed)\n");
	}
	if (run_probe(probe, sock, 1, 2000, &snul, &sioc, &smig) == 0) {
		report("syscall.null_call.socket_only", "ns", snul, "raw SOCK_SEQPACKET ping-pong", rs);
		report("syscall.ioctl_64B.socket_only", "ns", sioc, "raw SOCK_SEQPACKET ping-pong", rs);
		report("mach.mig_call.socket_only", "ns", smig, "raw SOCK_SEQPACKET ping-pong", rs);
	}

	/* Everything on one core: the spinners must yield to each other. */
	pin_all(0);
	rs = raw_socket(N_RAW / 4);
	rm = raw_shm(N_RAW / 4);
	if (run_probe(probe, sock, 0, 5000, &nul, &ioc, &mig) == 0) {
		report("syscall.null_call.pinned_cpu0", "ns", nul, "raw shm ping-pong, pinned", rm);
		report("syscall.null_call.pinned_cpu0", "ns", nul, "raw SOCK_SEQPACKET ping-pong, pinned",
		       rs);
		report("syscall.ioctl_64B.pinned_cpu0", "ns", ioc, "raw SOCK_SEQPACKET ping-pong, pinned",
		       rs);
	}
	pin_all(-1);

	k_syscall_server_stop();
	bench_remove_root(root);
}
