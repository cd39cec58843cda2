/*
 * kreq_probe.c — a test client for the kernel request channel, driven by
 * tests/kexttools.sh against a kernel started with `kexthost run`. It
 * checks the framing from the outside: round trips of every size class
 * (one packet, exactly full packets, many continuation packets), an
 * unknown type answered with ENOTSUP, concurrent clients, and malformed
 * messages (bad magic, short header, oversized length, truncated
 * continuation, reply flag in a request), each of which must end only that
 * connection while the kernel keeps serving others.
 *
 *   kreq_probe all        run every check; prints "kreq_probe: N checks passed"
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <kexthost/libkexthost.h>

static int checks;

#define CHECK(cond, ...)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "kreq_probe: FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                                    \
			fputc('\n', stderr);                                             \
			exit(1);                                                         \
		}                                                                        \
		checks++;                                                                \
	} while (0)

static int
connect_or_die(void)
{
	int fd, err = khrq_connect(khrq_socket_path(), &fd);

	CHECK(err == 0, "connect to %s: %s", khrq_socket_path() ? khrq_socket_path() : "(unset)",
	      strerror(err));
	return fd;
}

/* PING round trip of len bytes on fd; returns 0 when the echo matches. */
static int
ping(int fd, size_t len)
{
	unsigned char *buf = malloc(len ? len : 1);
	void *reply;
	size_t rlen;
	uint32_t status;
	int err, ok;

	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 31 + 7);
	err = khrq_call(fd, KHRQ_T_PING, buf, len, &reply, &rlen, &status);
	ok = err == 0 && status == 0 && rlen == len && (len == 0 || memcmp(reply, buf, len) == 0);
	free(buf);
	if (err == 0)
		free(reply);
	return ok ? 0 : (err ? err : -1);
}

/* After sending raw bytes, the kernel must close this connection (and only this one). */
static void
expect_closed(int fd, const char *what)
{
	char buf[64];
	struct timeval tv = {.tv_sec = 5};
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(fd, buf, sizeof(buf), 0);
	CHECK(n == 0 || (n < 0 && errno == ECONNRESET), "%s: connection not closed (recv %zd, errno %d)",
	      what, n, errno);
	close(fd);
	fd = connect_or_die();
	CHECK(ping(fd, 16) == 0, "%s: kernel stopped serving", what);
	close(fd);
}

static void
header(struct khrq_header *h, uint32_t type, uint32_t len)
{
	memset(h, 0, sizeof(*h));
	h->magic = KHRQ_MAGIC;
	h->version = KHRQ_VERSION;
	h->hdr_size = KHRQ_HEADER_SIZE;
	h->type = type;
	h->request_id = 42;
	h->payload_len = len;
}

static void *
pinger(void *arg)
{
	int fd = connect_or_die();

	for (int i = 0; i < 50; i++) {
		if (ping(fd, (size_t)(i * 997) % 200000) != 0) {
			fprintf(stderr, "kreq_probe: concurrent ping %d failed\n", i);
			exit(1);
		}
	}
	close(fd);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct khrq_header h;
	int fd;
	void *reply;
	size_t rlen;
	uint32_t status;

	if (argc != 2 || strcmp(argv[1], "all") != 0) {
		fprintf(stderr, "usage: kreq_probe all\n");
		return 64;
	}
	/* Round trips across the packet boundaries, several on one connection. */
	fd = connect_or_die();
	static const size_t sizes[] = {0,
	                               1,
	                               KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE,
	                               KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE + 1,
	                               2 * KHRQ_MAX_PACKET - KHRQ_HEADER_SIZE,
	                               1000 * 1000,
	                               KHRQ_MAX_PAYLOAD};
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		CHECK(ping(fd, sizes[i]) == 0, "ping of %zu bytes", sizes[i]);
	/* An unknown type is answered, not fatal. */
	CHECK(khrq_call(fd, 0x7777, "x", 1, &reply, &rlen, &status) == 0 && status == 45 && rlen == 0,
	      "unknown type: status %u", status);
	/* Too large for the client to even send. */
	CHECK(khrq_call(fd, KHRQ_T_PING, NULL, (size_t)KHRQ_MAX_PAYLOAD + 1, &reply, &rlen, &status) ==
	              EMSGSIZE,
	      "oversized request not refused by the library");
	CHECK(ping(fd, 3) == 0, "connection still usable");
	close(fd);

	/* Malformed messages: each ends its connection only. */
	fd = connect_or_die();
	header(&h, KHRQ_T_PING, 0);
	h.magic = 0xdeadbeef;
	CHECK(khrq_send_raw(fd, &h, sizeof(h)) == 0, "send");
	expect_closed(fd, "bad magic");

	fd = connect_or_die();
	CHECK(khrq_send_raw(fd, "KHRQ", 4) == 0, "send");
	expect_closed(fd, "short header");

	fd = connect_or_die();
	header(&h, KHRQ_T_PING, KHRQ_MAX_PAYLOAD + 1);
	CHECK(khrq_send_raw(fd, &h, sizeof(h)) == 0, "send");
	expect_closed(fd, "payload length over the maximum");

	fd = connect_or_die();
	header(&h, KHRQ_T_PING, 10); /* claims 10 bytes, sends none in the first packet */
	CHECK(khrq_send_raw(fd, &h, sizeof(h)) == 0, "send");
	expect_closed(fd, "first packet shorter than its payload");

	fd = connect_or_die();
	{
		static char pkt[KHRQ_MAX_PACKET];
		header(&h, KHRQ_T_PING, 100000);
		memcpy(pkt, &h, sizeof(h));
		CHECK(khrq_send_raw(fd, pkt, sizeof(pkt)) == 0, "send");
		CHECK(khrq_send_raw(fd, pkt, 10) == 0, "send"); /* a short continuation */
		expect_closed(fd, "short continuation packet");
	}

	fd = connect_or_die();
	header(&h, KHRQ_T_PING, 0);
	h.flags = KHRQ_F_REPLY;
	CHECK(khrq_send_raw(fd, &h, sizeof(h)) == 0, "send");
	expect_closed(fd, "reply flag in a request");

	/* A garbage kext request is a failed request, not a dead connection. */
	fd = connect_or_die();
	CHECK(khrq_call(fd, KHRQ_T_KEXT_REQUEST, "<bad>", 5, &reply, &rlen, &status) == 0 && status == 0,
	      "garbage kext request: transport failed");
	{
		struct kext_reply kr;
		CHECK(kext_reply_decode(reply, rlen, status, &kr) == 0,
		      "garbage kext request: undecodable reply");
		CHECK(kr.result == kOSKextReturnSerialization, "garbage kext request: result 0x%x",
		      (unsigned)kr.result);
		kext_reply_free(&kr);
		free(reply);
	}
	close(fd);

	/* Concurrent clients (more than the worker pool). */
	{
		pthread_t th[8];
		for (int i = 0; i < 8; i++)
			CHECK(pthread_create(&th[i], NULL, pinger, NULL) == 0, "pthread_create");
		for (int i = 0; i < 8; i++)
			pthread_join(th[i], NULL);
		checks++;
	}
	printf("kreq_probe: %d checks passed\n", checks);
	return 0;
}
