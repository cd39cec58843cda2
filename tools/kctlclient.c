/*
 * kctlclient — the user half of the kernel control exercise: connects to a
 * kernel control by name over a PF_SYSTEM socket, sends each command given
 * on the command line (or read from stdin, one per line) and prints the
 * kernel's reply; or listens for kernel events.
 *
 *   kctlclient [-n NAME] [-t dgram|stream] [-u UNIT] [-v] CMD...
 *   kctlclient [-n NAME] --setopt OPT=INT | --getopt OPT
 *   kctlclient --events [-V VENDOR] [-c COUNT] [-w SECONDS]
 *   kctlclient [-n NAME] --bench N      N PING/PONG round trips; prints the median ns of 5 runs
 *
 * NAME defaults to com.example.kext.KernCtlSample. Exit status: 0 on
 * success, 1 when a call failed (the message names the call and errno).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <kexthost/kh_syscall.h>
#include <kexthost/kh_socket.h>

#define DEFAULT_NAME "com.example.kext.KernCtlSample"

static int
usage(void)
{
	fprintf(stderr, "usage: kctlclient [-n NAME] [-t dgram|stream] [-u UNIT] [-v] CMD...\n"
	                "       kctlclient [-n NAME] --setopt OPT=INT | --getopt OPT\n"
	                "       kctlclient --events [-V VENDOR] [-c COUNT] [-w SECONDS]\n");
	return 2;
}

static int
command(int fd, const char *cmd, int verbose)
{
	char reply[2048];
	ssize_t n;

	if (kh_send(fd, cmd, strlen(cmd), 0) < 0) {
		fprintf(stderr, "kctlclient: send: %s\n", strerror(errno));
		return 1;
	}
	n = kh_recv(fd, reply, sizeof(reply), 0);
	if (n < 0) {
		fprintf(stderr, "kctlclient: recv: %s\n", strerror(errno));
		return 1;
	}
	if (verbose)
		printf("> %s\n< ", cmd);
	printf("%.*s\n", (int)n, reply);
	fflush(stdout);
	return 0;
}

static int
events(const char *vendor, int count, int wait_s)
{
	struct kev_request f = {KEV_ANY_VENDOR, KEV_ANY_CLASS, KEV_ANY_SUBCLASS};
	struct timeval tv = {wait_s, 0};
	int fd = kh_socket(PF_SYSTEM, SOCK_RAW, SYSPROTO_EVENT);

	if (fd < 0) {
		fprintf(stderr, "kctlclient: socket(PF_SYSTEM, SOCK_RAW, SYSPROTO_EVENT): %s\n",
		        strerror(errno));
		return 1;
	}
	if (vendor != NULL) {
		struct kev_vendor_code vc;

		memset(&vc, 0, sizeof(vc));
		snprintf(vc.vendor_string, sizeof(vc.vendor_string), "%s", vendor);
		if (kh_ioctl(fd, SIOCGKEVVENDOR, &vc) < 0) {
			fprintf(stderr, "kctlclient: SIOCGKEVVENDOR %s: %s\n", vendor, strerror(errno));
			return 1;
		}
		f.vendor_code = vc.vendor_code;
	}
	if (kh_ioctl(fd, SIOCSKEVFILT, &f) < 0) {
		fprintf(stderr, "kctlclient: SIOCSKEVFILT: %s\n", strerror(errno));
		return 1;
	}
	if (wait_s > 0 && kh_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		fprintf(stderr, "kctlclient: SO_RCVTIMEO: %s\n", strerror(errno));
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (int i = 0; count <= 0 || i < count; i++) {
		union {
			struct kern_event_msg ev;
			char raw[4096];
		} u;
		ssize_t n = kh_recv(fd, &u, sizeof(u), 0);

		if (n < 0) {
			fprintf(stderr, "kctlclient: recv: %s\n", strerror(errno));
			return 1;
		}
		printf("event id=%u vendor=%u class=%u subclass=%u code=%u size=%u", u.ev.id,
		       u.ev.vendor_code, u.ev.kev_class, u.ev.kev_subclass, u.ev.event_code, u.ev.total_size);
		if (n >= KEV_MSG_HEADER_SIZE + 4)
			printf(" data0=%u", u.ev.event_data[0]);
		printf("\n");
		fflush(stdout);
	}
	kh_close(fd);
	return 0;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Round trips of "PING" → "PONG": send, the kext's ctl_send, ctl_enqueuedata, recv. */
static int
bench(int fd, int n)
{
	uint64_t runs[5];
	char reply[16];

	for (int r = 0; r < 5; r++) {
		uint64_t t0 = now_ns();

		for (int i = 0; i < n; i++) {
			if (kh_send(fd, "PING", 4, 0) != 4 || kh_recv(fd, reply, sizeof(reply), 0) != 4) {
				fprintf(stderr, "kctlclient: bench: %s\n", strerror(errno));
				return 1;
			}
		}
		runs[r] = (now_ns() - t0) / (uint64_t)n;
	}
	qsort(runs, 5, sizeof(runs[0]), cmp_u64);
	printf("PING/PONG round trip (send + recv): median %llu ns of 5 runs x %d\n",
	       (unsigned long long)runs[2], n);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {{"events", no_argument, NULL, 'E'},
	                                   {"setopt", required_argument, NULL, 'S'},
	                                   {"getopt", required_argument, NULL, 'G'},
	                                   {"bench", required_argument, NULL, 'B'},
	                                   {NULL, 0, NULL, 0}};
	const char *name = DEFAULT_NAME, *vendor = NULL, *setopt = NULL, *getopt_s = NULL;
	int type = SOCK_DGRAM, verbose = 0, ev = 0, count = 0, wait_s = 0, nbench = 0, c, fd, rc = 0;
	unsigned long unit = 0;

	while ((c = getopt_long(argc, argv, "n:t:u:vV:c:w:", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 't':
			type = strcmp(optarg, "stream") == 0 ? SOCK_STREAM : SOCK_DGRAM;
			break;
		case 'u':
			unit = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			verbose = 1;
			break;
		case 'V':
			vendor = optarg;
			break;
		case 'c':
			count = atoi(optarg);
			break;
		case 'w':
			wait_s = atoi(optarg);
			break;
		case 'E':
			ev = 1;
			break;
		case 'S':
			setopt = optarg;
			break;
		case 'G':
			getopt_s = optarg;
			break;
		case 'B':
			nbench = atoi(optarg);
			break;
		default:
			return usage();
		}
	}
	if (ev)
		return events(vendor, count, wait_s);
	fd = kh_ctl_open(name, type, (uint32_t)unit);
	if (fd < 0) {
		fprintf(stderr, "kctlclient: connect to %s: %s\n", name, strerror(errno));
		return 1;
	}
	if (nbench > 0) {
		rc = bench(fd, nbench);
		kh_close(fd);
		return rc;
	}
	if (setopt != NULL) {
		int opt, val;

		if (sscanf(setopt, "%d=%d", &opt, &val) != 2)
			return usage();
		if (kh_setsockopt(fd, SYSPROTO_CONTROL, opt, &val, sizeof(val)) < 0) {
			fprintf(stderr, "kctlclient: setsockopt %d: %s\n", opt, strerror(errno));
			rc = 1;
		}
	}
	if (getopt_s != NULL) {
		int val = 0;
		socklen_t len = sizeof(val);

		if (kh_getsockopt(fd, SYSPROTO_CONTROL, atoi(getopt_s), &val, &len) < 0) {
			fprintf(stderr, "kctlclient: getsockopt %s: %s\n", getopt_s, strerror(errno));
			rc = 1;
		} else {
			printf("option %s = %d\n", getopt_s, val);
		}
	}
	if (optind < argc) {
		for (int i = optind; i < argc && rc == 0; i++)
			rc = command(fd, argv[i], verbose);
	} else if (setopt == NULL && getopt_s == NULL) {
		char line[1024];

		while (rc == 0 && fgets(line, sizeof(line), stdin) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			if (line[0] != '\0')
				rc = command(fd, line, verbose);
		}
	}
	kh_close(fd);
	return rc;
}
