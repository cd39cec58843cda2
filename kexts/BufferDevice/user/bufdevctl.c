/*
 * bufdevctl — the user program of the BufferDevice sample: a real Linux
 * process that opens /dev/bufdev in the hosted kernel and uses it.
 *
 *   bufdevctl write TEXT      append TEXT
 *   bufdevctl read [N]        read up to N bytes (default 4096); blocks while empty
 *   bufdevctl tryread         non-blocking read (EWOULDBLOCK when empty)
 *   bufdevctl wait [MS]       select() until readable (or MS milliseconds), then read
 *   bufdevctl size            print the capacity and the bytes stored
 *   bufdevctl setsize N       set the capacity
 *   bufdevctl clear           drop the contents
 *   bufdevctl stat            fstat: mode, owner, device numbers
 *
 * $BUFDEV names another node of the device (e.g. /dev/bufdev.root, mode 0600).
 * Exit 0 on success, 1 with the error on failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kexthost/kh_syscall.h>
#include <kexthost/kh_dev.h>
#include "../BufferDevice.h"

static int
fail(const char *what)
{
	fprintf(stderr, "bufdevctl: %s: %s\n", what, strerror(errno));
	return 1;
}

static int
do_read(int fd, size_t n)
{
	char *buf = malloc(n + 1);
	ssize_t r;

	if (buf == NULL)
		return fail("malloc");
	r = kh_read(fd, buf, n);
	if (r < 0) {
		free(buf);
		return fail("read");
	}
	fwrite(buf, 1, (size_t)r, stdout);
	printf("\n");
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int fd, v, len;

	if (argc < 2) {
		fprintf(stderr, "usage: bufdevctl write TEXT | read [N] | tryread | wait [MS] | size | "
		                "setsize N | clear\n");
		return 1;
	}
	const char *path = getenv("BUFDEV") ? getenv("BUFDEV") : "/dev/" BUFDEV_NAME;
	fd = kh_open(path, strcmp(cmd, "tryread") == 0 ? O_RDWR | O_NONBLOCK : O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "bufdevctl: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (strcmp(cmd, "write") == 0 && argc > 2) {
		ssize_t w = kh_write(fd, argv[2], strlen(argv[2]));
		if (w < 0)
			return fail("write");
		printf("wrote %zd bytes\n", w);
	} else if (strcmp(cmd, "read") == 0 || strcmp(cmd, "tryread") == 0) {
		return do_read(fd, argc > 2 ? (size_t)strtoul(argv[2], NULL, 0) : 4096);
	} else if (strcmp(cmd, "wait") == 0) {
		kh_fd_set rs;
		struct kh_timeval tv = {0, 0};
		int ms = argc > 2 ? atoi(argv[2]) : -1, n;

		KH_FD_ZERO(&rs);
		KH_FD_SET(fd, &rs);
		tv.tv_sec = ms / 1000;
		tv.tv_usec = (ms % 1000) * 1000;
		n = kh_select(fd + 1, &rs, NULL, NULL, ms >= 0 ? &tv : NULL);
		if (n < 0)
			return fail("select");
		if (n == 0) {
			printf("timed out\n");
			return 1;
		}
		printf("readable\n");
		return do_read(fd, 4096);
	} else if (strcmp(cmd, "size") == 0) {
		if (kh_ioctl(fd, BUFDEV_GETSIZE, &v) < 0 || kh_ioctl(fd, BUFDEV_GETLEN, &len) < 0)
			return fail("ioctl");
		printf("size %d, stored %d\n", v, len);
	} else if (strcmp(cmd, "setsize") == 0 && argc > 2) {
		v = atoi(argv[2]);
		if (kh_ioctl(fd, BUFDEV_SETSIZE, &v) < 0)
			return fail("ioctl BUFDEV_SETSIZE");
		printf("size set to %d\n", v);
	} else if (strcmp(cmd, "stat") == 0) {
		struct kh_stat st;
		if (kh_fstat(fd, &st) < 0)
			return fail("fstat");
		printf("mode 0%o uid %u gid %u rdev %u,%u\n", st.st_mode, st.st_uid, st.st_gid,
		       KH_MAJOR(st.st_rdev), KH_MINOR(st.st_rdev));
	} else if (strcmp(cmd, "clear") == 0) {
		if (kh_ioctl(fd, BUFDEV_CLEAR, NULL) < 0)
			return fail("ioctl BUFDEV_CLEAR");
		printf("cleared\n");
	} else {
		fprintf(stderr, "bufdevctl: unknown command %s\n", cmd);
		return 1;
	}
	kh_close(fd);
	return 0;
}
