/*
 * buggy-trigger — ask the Buggy sample kext to commit one of its bugs:
 *
 *   buggy-trigger list        the bugs, one per line: name, what it does
 *   buggy-trigger NAME        open /dev/buggy and send BUGGY_IOC(n) for bug NAME
 *
 * The kernel panics, so the ioctl never returns normally: the program
 * reports the error the kernel's death gives it (ECONNRESET) and exits 1.
 * Exit 0 only if the ioctl returned 0 (the bug did not happen), 2 on usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <kexthost/kh_syscall.h>
#include <kexthost/kh_dev.h>
#include "../Buggy.h"

static const struct {
	int n;
	const char *name, *what;
} bugs[] = {
#define BUG_ENTRY(n, name, what) {n, #name, what},
        BUGGY_BUGS(BUG_ENTRY)
#undef BUG_ENTRY
};
#define NBUGS (sizeof(bugs) / sizeof(bugs[0]))

int
main(int argc, char **argv)
{
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: buggy-trigger list | NAME\n");
		return 2;
	}
	if (strcmp(argv[1], "list") == 0) {
		for (size_t i = 0; i < NBUGS; i++)
			printf("%-10s %s\n", bugs[i].name, bugs[i].what);
		return 0;
	}
	for (size_t i = 0; i < NBUGS; i++) {
		if (strcmp(argv[1], bugs[i].name) != 0)
			continue;
		fd = kh_open("/dev/" BUGGY_NAME, O_RDWR);
		if (fd < 0) {
			fprintf(stderr, "buggy-trigger: /dev/%s: %s\n", BUGGY_NAME, strerror(errno));
			return 1;
		}
		if (kh_ioctl(fd, BUGGY_IOC(bugs[i].n), NULL) != 0) {
			fprintf(stderr, "buggy-trigger: ioctl %s: %s\n", bugs[i].name, strerror(errno));
			return 1;
		}
		printf("buggy-trigger: %s returned\n", bugs[i].name);
		kh_close(fd);
		return 0;
	}
	fprintf(stderr, "buggy-trigger: unknown bug '%s' (try: buggy-trigger list)\n", argv[1]);
	return 2;
}
