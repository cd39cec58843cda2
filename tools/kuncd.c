/*
 * kuncd — the notification agent of the Kernel-User Notification Center:
 * connects to the kernel's KUNC control (root only), prints each notice on
 * the terminal, asks the user each alert's question (or answers it with the
 * configured default) and reports KUNCExecute requests, running them when
 * started with --exec.
 *
 *   kuncd [--default N] [--exec] [--count N]
 *
 * --default N answers every alert with button N (0 default, 1 alternate,
 * 2 other, 3 cancel) without asking; without it kuncd asks on its terminal
 * and, when stdin is not a terminal, cancels. --count N exits after N
 * requests. The kernel never waits forever: an unanswered alert times out
 * there and its caller gets kKUNCCancelResponse.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <kexthost/kh_syscall.h>
#include <kexthost/kh_socket.h>
#include <kexthost/kunc.h>

static const char *const kuncd_buttons[] = {"default", "alternate", "other", "cancel"};

static unsigned
ask(const char *s[KUNC_NSTR], int dflt)
{
	char line[64];

	if (dflt >= 0) {
		printf("  answered: %d (%s, configured default)\n", dflt, kuncd_buttons[dflt]);
		return (unsigned)dflt;
	}
	if (!isatty(0)) {
		printf("  answered: 3 (cancel: no terminal to ask on)\n");
		return 3;
	}
	for (;;) {
		printf("  answer [0-3]> ");
		fflush(stdout);
		if (fgets(line, sizeof(line), stdin) == NULL)
			return 3;
		if (line[0] >= '0' && line[0] <= '3' && (line[1] == '\n' || line[1] == '\0'))
			return (unsigned)(line[0] - '0');
	}
}

static void
run_program(const char *path)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl(path, path, (char *)NULL);
		fprintf(stderr, "kuncd: exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		fprintf(stderr, "kuncd: fork: %s\n", strerror(errno));
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {{"default", required_argument, NULL, 'd'},
	                                   {"exec", no_argument, NULL, 'x'},
	                                   {"count", required_argument, NULL, 'c'},
	                                   {NULL, 0, NULL, 0}};
	int dflt = -1, doexec = 0, count = 0, c, fd;

	while ((c = getopt_long(argc, argv, "d:xc:", lo, NULL)) != -1) {
		switch (c) {
		case 'd':
			dflt = atoi(optarg);
			if (dflt < 0 || dflt > 3) {
				fprintf(stderr, "kuncd: --default takes 0..3\n");
				return 2;
			}
			break;
		case 'x':
			doexec = 1;
			break;
		case 'c':
			count = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: kuncd [--default N] [--exec] [--count N]\n");
			return 2;
		}
	}
	signal(SIGCHLD, SIG_IGN); /* programs we start are not waited for */
	fd = kh_ctl_open(KUNC_CONTROL_NAME, SOCK_DGRAM, 0);
	if (fd < 0) {
		fprintf(stderr, "kuncd: connect to %s: %s\n", KUNC_CONTROL_NAME, strerror(errno));
		return 1;
	}
	printf("kuncd: notification agent ready\n");
	fflush(stdout);
	for (int n = 0; count <= 0 || n < count; n++) {
		static char buf[KUNC_MAX_MSG];
		const char *s[KUNC_NSTR];
		struct kunc_msg h;
		ssize_t len = kh_recv(fd, buf, sizeof(buf) - 1, 0);
		size_t off;

		if (len < 0) {
			fprintf(stderr, "kuncd: recv: %s\n", strerror(errno));
			return 1;
		}
		if ((size_t)len < sizeof(h)) {
			fprintf(stderr, "kuncd: short message (%zd bytes)\n", len);
			continue;
		}
		buf[len] = '\0';
		memcpy(&h, buf, sizeof(h));
		off = sizeof(h);
		for (int i = 0; i < KUNC_NSTR; i++) {
			s[i] = off < (size_t)len ? buf + off : "";
			off += strlen(s[i]) + 1;
		}
		switch (h.kind) {
		case KUNC_NOTICE:
			printf("[notice] %s: %s [%s]\n", s[KUNC_S_HEADER], s[KUNC_S_MESSAGE],
			       s[KUNC_S_DEFAULT][0] ? s[KUNC_S_DEFAULT] : "OK");
			break;
		case KUNC_ALERT: {
			struct kunc_reply r = {h.token, 0};

			printf("[alert] %s: %s\n  0) %s", s[KUNC_S_HEADER], s[KUNC_S_MESSAGE],
			       s[KUNC_S_DEFAULT][0] ? s[KUNC_S_DEFAULT] : "OK");
			if (s[KUNC_S_ALTERNATE][0])
				printf("  1) %s", s[KUNC_S_ALTERNATE]);
			if (s[KUNC_S_OTHER][0])
				printf("  2) %s", s[KUNC_S_OTHER]);
			printf("  3) cancel  (the kernel waits %d s)\n", h.timeout);
			r.response = ask(s, dflt);
			if (kh_send(fd, &r, sizeof(r), 0) < 0)
				printf("  (answer not taken: %s)\n", strerror(errno));
			break;
		}
		case KUNC_EXECUTE:
			printf("[execute] %s (type %u, as %s)%s\n", s[KUNC_S_PATH], h.exectype,
			       h.flags ? "console user" : "root",
			       doexec ? "" : " -- not run: start kuncd with --exec");
			if (doexec && h.exectype == 0)
				run_program(s[KUNC_S_PATH]);
			break;
		default:
			printf("[unknown request %u]\n", h.kind);
			break;
		}
		fflush(stdout);
	}
	kh_close(fd);
	return 0;
}
