/*
 * main.c — the kexthost program: boots the hosted kernel in this process
 * and serves as its "bootloader" and launcher.
 *
 *   kexthost boot [--root DIR] [--boot-args "..."] [--daemon]
 *   kexthost run  [--root DIR] [--boot-args "..."] -- CMD [ARGS...]
 *   kexthost dmesg [--root DIR]
 *   kexthost trace [--root DIR] start|stop|dump|stream|reset [ARGS...]
 *   kexthost devctl ARGS...  (runs the devctl next to this program)
 *   kexthost panics [--root DIR]
 *   kexthost symbolicate [--root DIR] [--kext BUNDLE]... REPORT
 *   kexthost version
 *
 * boot: creates the kernel root if needed, blocks SIGTERM/SIGINT/SIGHUP in
 * every thread (they are taken synchronously by the main thread with
 * sigwait), calls kernel_bootstrap(), then waits for signals: SIGHUP is passed
 * to the kernel, SIGTERM/SIGINT shut it down cleanly (exit 0). A panic exits
 * with status 70 (KHOST_EXIT_PANIC), a failed boot with 71.
 * run: boots a kernel in a child process, waits until it is ready (a pipe
 * whose write end the kernel process closes after boot), runs CMD with
 * KEXTHOST_SOCKET, KEXTHOST_ROOT and KEXTHOST_PID set, then shuts the kernel
 * down and exits with CMD's status (or the kernel's, if it failed while CMD
 * succeeded).
 * boot --reboot-on-panic (or the boot-arg reboot_on_panic=1): this process
 * supervises a kernel child and boots it again with the same root and
 * boot-args after a panic, at most SUPERVISE_MAX_BOOTS times a minute; the
 * new kernel loads again the kexts loaded by request before the panic
 * (libkern/kext/OSKextReboot.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <pthread.h>
#include <unistd.h>
#include "host/khost.h"
#include "host/msgbuf_read.h"
#include "host/panics.h"

struct boot_opts {
	char root[PATH_MAX];
	const char *boot_args;
	int daemon;
	int reboot_on_panic;
	const char *kexts[16]; /* symbolicate --kext */
	unsigned nkexts;
};

/* --reboot-on-panic: at most this many panics within SUPERVISE_WINDOW_S seconds, then give up. */
#define SUPERVISE_MAX_BOOTS 5
#define SUPERVISE_WINDOW_S 60

static void
usage(FILE *f)
{
	fprintf(f, "usage: kexthost boot [--root DIR] [--boot-args \"ARGS\"] [--daemon] [--reboot-on-panic]\n"
	           "       kexthost run [--root DIR] [--boot-args \"ARGS\"] -- CMD [ARGS...]\n"
	           "       kexthost dmesg [--root DIR]\n"
	           "       kexthost trace [--root DIR] start|stop|dump|stream|reset [ARGS...]\n"
	           "       kexthost devctl ARGS...\n"
	           "       kexthost panics [--root DIR]\n"
	           "       kexthost symbolicate [--root DIR] [--kext BUNDLE]... REPORT\n"
	           "       kexthost version\n"
	           "\n"
	           "The kernel root defaults to build/root next to this program.\n"
	           "Exit status: 0 clean shutdown, 64 usage, 70 kernel panic, 71 boot failure;\n"
	           "`run` exits with CMD's status.\n");
}

/* Default root: <dir of this executable>/../root, i.e. build/root. */
static void
default_root(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0) {
		snprintf(out, len, "kexthost-root");
		return;
	}
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash != NULL)
		*slash = '\0';
	/* exe is shorter than PATH_MAX - 8 in practice; truncation would only shorten the path. */
	if (strlen(exe) + sizeof("/../root") > len) {
		snprintf(out, len, "kexthost-root");
		return;
	}
	strcpy(out, exe);
	strcat(out, "/../root");
}

/* The folders of a kernel root, as on a Mac's boot volume. */
static int
prepare_root(const char *root)
{
	static const char *const dirs[] = {"Extensions", "Library/Logs/DiagnosticReports", "var/log",
	                                   "var/run"};
	char path[PATH_MAX];

	for (unsigned int i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		int err = khost_mkdir_p(path, 0755);
		if (err != 0) {
			fprintf(stderr, "kexthost: cannot create %s (Darwin errno %d)\n", path, err);
			return -1;
		}
	}
	return 0;
}

static int
parse_boot_opts(int argc, char **argv, struct boot_opts *o, int allow_daemon)
{
	static const struct option longopts[] = {
	        {"root", required_argument, NULL, 'r'},
	        {"boot-args", required_argument, NULL, 'b'},
	        {"daemon", no_argument, NULL, 'd'},
	        {"reboot-on-panic", no_argument, NULL, 'R'},
	        {"kext", required_argument, NULL, 'k'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;

	default_root(o->root, sizeof(o->root));
	o->boot_args = "";
	o->daemon = 0;
	o->reboot_on_panic = 0;
	o->nkexts = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+r:b:dRk:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			snprintf(o->root, sizeof(o->root), "%s", optarg);
			break;
		case 'b':
			o->boot_args = optarg;
			break;
		case 'd':
			if (!allow_daemon)
				return -1;
			o->daemon = 1;
			break;
		case 'R':
			o->reboot_on_panic = 1;
			break;
		case 'k':
			if (o->nkexts >= sizeof(o->kexts) / sizeof(o->kexts[0]))
				return -1;
			o->kexts[o->nkexts++] = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -1;
		}
	}
	return 0;
}

static void
block_kernel_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

/*
 * Boot the kernel in this process and serve until SIGTERM/SIGINT.
 * ready_fd >= 0 is closed once the kernel is up (the parent waits on it).
 */
static int
serve(const struct boot_opts *o, int ready_fd, unsigned int flags)
{
	struct kernel_boot_params params = {.root = o->root, .boot_args = o->boot_args, .flags = flags};
	sigset_t set;
	int sig, err;

	block_kernel_signals(&set);
	err = kernel_bootstrap(&params);
	if (err != 0) {
		fprintf(stderr, "kexthost: boot failed (Darwin errno %d)\n", err);
		return KHOST_EXIT_BOOT;
	}
	if (ready_fd >= 0) {
		if (write(ready_fd, "ready\n", 6) < 0) {
			/* the parent went away; keep serving */
		}
		close(ready_fd);
	}
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			kernel_hangup();
			continue;
		}
		break;
	}
	kernel_shutdown();
	return KHOST_EXIT_OK;
}

/* Fork a kernel process; return its pid once it is ready, or -1 (status in *status). */
static pid_t
spawn_kernel(const struct boot_opts *o, int detach, int *status)
{
	int pfd[2];
	char buf[8];
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) != 0) {
		perror("kexthost: pipe");
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		perror("kexthost: fork");
		return -1;
	}
	if (pid == 0) {
		close(pfd[0]);
		if (detach) {
			char logpath[PATH_MAX + 32];
			setsid();
			snprintf(logpath, sizeof(logpath), "%s/var/log/kexthost.log", o->root);
			int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);
			int nul = open("/dev/null", O_RDWR);
			if (nul >= 0)
				dup2(nul, STDIN_FILENO);
			if (fd >= 0) {
				dup2(fd, STDOUT_FILENO);
				dup2(fd, STDERR_FILENO);
			}
		}
		_exit(serve(o, pfd[1], 0));
	}
	close(pfd[1]);
	ssize_t n;
	do {
		n = read(pfd[0], buf, sizeof(buf));
	} while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n <= 0) {
		/* The kernel process ended before it was ready. */
		int st = 0;
		waitpid(pid, &st, 0);
		*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		return -1;
	}
	return pid;
}

static int
wait_status(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return 1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* reboot_on_panic=1 among the boot-args (a word of its own). */
static int
bootargs_reboot_on_panic(const char *args)
{
	const char *p = args;

	while (p != NULL && (p = strstr(p, "reboot_on_panic=1")) != NULL) {
		char after = p[sizeof("reboot_on_panic=1") - 1];
		if ((p == args || p[-1] == ' ') && (after == '\0' || after == ' '))
			return 1;
		p++;
	}
	return 0;
}

/*
 * Boot kernels in child processes until one ends other than by a panic, or
 * too many panic within a minute. SIGTERM/SIGINT/SIGHUP go to the current
 * kernel. Returns the last kernel's status.
 */
static int
supervise(const struct boot_opts *o)
{
	time_t panics[SUPERVISE_MAX_BOOTS] = {0};
	unsigned npanics = 0;
	sigset_t set;
	int status;

	block_kernel_signals(&set);
	sigaddset(&set, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (;;) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("kexthost: fork");
			return KHOST_EXIT_BOOT;
		}
		if (pid == 0) {
			sigset_t none;
			sigemptyset(&none);
			pthread_sigmask(SIG_SETMASK, &none, NULL);
			/* After a panic the new kernel loads again what was loaded by request. */
			_exit(serve(o, -1, npanics > 0 ? KERNEL_BOOT_AFTER_PANIC : 0));
		}
		for (;;) {
			int sig = 0;
			if (sigwait(&set, &sig) != 0)
				continue;
			if (sig == SIGCHLD) {
				if (waitpid(pid, &status, WNOHANG) == pid)
					break;
				continue;
			}
			kill(pid, sig);
		}
		status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		if (status != KHOST_EXIT_PANIC)
			return status;
		time_t now = time(NULL);
		/* Keep the times of the last panics; give up when the oldest is within the window. */
		if (npanics == SUPERVISE_MAX_BOOTS) {
			memmove(panics, panics + 1, sizeof(panics[0]) * (SUPERVISE_MAX_BOOTS - 1));
			npanics--;
		}
		panics[npanics++] = now;
		if (npanics == SUPERVISE_MAX_BOOTS && now - panics[0] < SUPERVISE_WINDOW_S) {
			fprintf(stderr, "kexthost: %d panics within %d seconds; not rebooting again\n",
			        SUPERVISE_MAX_BOOTS, SUPERVISE_WINDOW_S);
			return status;
		}
		fprintf(stderr, "kexthost: kernel panicked; rebooting (see `kexthost panics --root %s`)\n",
		        o->root);
	}
}

static int
cmd_boot(int argc, char **argv)
{
	struct boot_opts o;

	if (parse_boot_opts(argc, argv, &o, 1) != 0 || optind != argc) {
		usage(stderr);
		return KHOST_EXIT_USAGE;
	}
	if (prepare_root(o.root) != 0)
		return KHOST_EXIT_BOOT;
	if (o.daemon) {
		int status = KHOST_EXIT_BOOT;
		pid_t pid = spawn_kernel(&o, 1, &status);
		if (pid < 0) {
			fprintf(stderr,
			        "kexthost: kernel failed to boot (status %d); see %s/var/log/kexthost.log\n",
			        status, o.root);
			return status;
		}
		char pidpath[PATH_MAX + 32];
		snprintf(pidpath, sizeof(pidpath), "%s/var/run/kexthost.pid", o.root);
		FILE *f = fopen(pidpath, "w");
		if (f != NULL) {
			fprintf(f, "%d\n", (int)pid);
			fclose(f);
		}
		printf("kexthost: kernel running as pid %d (root %s)\n", (int)pid, o.root);
		return 0;
	}
	if (o.reboot_on_panic || bootargs_reboot_on_panic(o.boot_args))
		return supervise(&o);
	return serve(&o, -1, 0);
}

static int
cmd_run(int argc, char **argv)
{
	struct boot_opts o;
	char sock[PATH_MAX + 32], pidstr[32];
	int status = KHOST_EXIT_BOOT, cmd_status, kstatus;
	pid_t kpid, cpid;

	if (parse_boot_opts(argc, argv, &o, 0) != 0 || optind >= argc) {
		usage(stderr);
		return KHOST_EXIT_USAGE;
	}
	if (prepare_root(o.root) != 0)
		return KHOST_EXIT_BOOT;
	kpid = spawn_kernel(&o, 0, &status);
	if (kpid < 0) {
		fprintf(stderr, "kexthost: kernel failed to boot (status %d)\n", status);
		return status;
	}
	snprintf(sock, sizeof(sock), "%s/var/run/kexthost.sock", o.root);
	snprintf(pidstr, sizeof(pidstr), "%d", (int)kpid);
	cpid = fork();
	if (cpid == 0) {
		setenv("KEXTHOST_SOCKET", sock, 1);
		setenv("KEXTHOST_ROOT", o.root, 1);
		setenv("KEXTHOST_PID", pidstr, 1);
		execvp(argv[optind], &argv[optind]);
		fprintf(stderr, "kexthost: cannot run %s: %s\n", argv[optind], strerror(errno));
		_exit(127);
	}
	if (cpid < 0) {
		perror("kexthost: fork");
		cmd_status = 127;
	} else {
		cmd_status = wait_status(cpid);
	}
	kill(kpid, SIGTERM);
	kstatus = wait_status(kpid);
	if (kstatus != 0) {
		fprintf(stderr, "kexthost: kernel exited with status %d%s\n", kstatus,
		        kstatus == KHOST_EXIT_PANIC ? " (panic)" : "");
		if (cmd_status == 0)
			return kstatus;
	}
	return cmd_status;
}

/* `kexthost devctl ...`: the devctl tool installed beside this program, with the same arguments. */
static int
cmd_devctl(int argc, char **argv)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - sizeof("/devctl"));
	char *slash;

	if (n <= 0 || (path[n] = '\0', slash = strrchr(path, '/')) == NULL) {
		fprintf(stderr, "kexthost: devctl: can't find this program's directory\n");
		return KHOST_EXIT_USAGE;
	}
	strcpy(slash, "/devctl");
	argv[0] = path;
	execv(path, argv);
	fprintf(stderr, "kexthost: devctl: %s: %s\n", path, strerror(errno));
	return 1;
}

static int
cmd_dmesg(int argc, char **argv)
{
	struct boot_opts o;
	char path[PATH_MAX + 32];

	if (parse_boot_opts(argc, argv, &o, 0) != 0 || optind != argc) {
		usage(stderr);
		return KHOST_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/var/log/msgbuf", o.root);
	return msgbuf_dump(path, stdout, 0) == 0 ? 0 : 1;
}

static int
cmd_panics(int argc, char **argv)
{
	struct boot_opts o;

	if (parse_boot_opts(argc, argv, &o, 0) != 0 || optind != argc) {
		usage(stderr);
		return KHOST_EXIT_USAGE;
	}
	return panics_list(o.root, stdout);
}

static int
cmd_symbolicate(int argc, char **argv)
{
	struct boot_opts o;

	if (parse_boot_opts(argc, argv, &o, 0) != 0 || optind != argc - 1) {
		usage(stderr);
		return KHOST_EXIT_USAGE;
	}
	return panics_symbolicate(argv[optind], o.root, o.kexts, o.nkexts, stdout);
}

/*
 * trace: run the kdebug tracer (bin/trace next to this program, tools/trace.c)
 * against the kernel of --root (or the one KEXTHOST_SOCKET already names).
 */
static int
cmd_trace(int argc, char **argv)
{
	char root[PATH_MAX], exe[PATH_MAX], sock[PATH_MAX + 32];
	ssize_t n;
	int first = 1;

	default_root(root, sizeof(root));
	if (argc > 2 && strcmp(argv[1], "--root") == 0) {
		snprintf(root, sizeof(root), "%s", argv[2]);
		first = 3;
	}
	if (first >= argc) {
		usage(stderr);
		return KHOST_EXIT_USAGE;
	}
	if (first == 3 || getenv("KEXTHOST_SOCKET") == NULL) {
		snprintf(sock, sizeof(sock), "%s/var/run/kexthost.sock", root);
		setenv("KEXTHOST_SOCKET", sock, 1);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		perror("kexthost: /proc/self/exe");
		return 1;
	}
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	snprintf(slash + 1, sizeof(exe) - (size_t)(slash + 1 - exe), "trace");
	argv[first - 1] = exe;
	execv(exe, &argv[first - 1]);
	fprintf(stderr, "kexthost: cannot run %s: %s\n", exe, strerror(errno));
	return 1;
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return KHOST_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "boot") == 0)
		return cmd_boot(argc - 1, argv + 1);
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "dmesg") == 0)
		return cmd_dmesg(argc - 1, argv + 1);
	if (strcmp(cmd, "trace") == 0)
		return cmd_trace(argc - 1, argv + 1);
	if (strcmp(cmd, "devctl") == 0)
		return cmd_devctl(argc - 1, argv + 1);
	if (strcmp(cmd, "panics") == 0)
		return cmd_panics(argc - 1, argv + 1);
	if (strcmp(cmd, "symbolicate") == 0)
		return cmd_symbolicate(argc - 1, argv + 1);
	if (strcmp(cmd, "version") == 0) {
		printf("%s\n", kernel_version_string());
		return 0;
	}
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		usage(stdout);
		return 0;
	}
	fprintf(stderr, "kexthost: unknown command '%s'\n", cmd);
	usage(stderr);
	return KHOST_EXIT_USAGE;
}
