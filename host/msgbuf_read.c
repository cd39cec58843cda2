/*
 * msgbuf_read.c — decoder of the kernel message buffer for host tools
 * (`kexthost dmesg`) and tests. It works on a private copy: header, then
 * data, then the header again; records the writer may have overwritten while
 * the copy was taken lie below the second head and are skipped. Nothing in
 * the copy is trusted: offsets, lengths and sizes are all checked before
 * use, so a torn or corrupt buffer ends the listing early, never crashes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bsd/kern/msgbuf_format.h"
#include "host/msgbuf_read.h"

struct mbr_out {
	FILE *fp; /* or, when NULL, the buffer below */
	char *buf;
	size_t size;
	size_t len; /* full length produced */
};

static void
mbr_emit(struct mbr_out *o, const char *s, size_t n)
{
	if (o->fp != NULL) {
		fwrite(s, 1, n, o->fp);
	} else if (o->size > 0 && o->len < o->size - 1) {
		size_t room = o->size - 1 - o->len;
		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	o->len += n;
}

static void __attribute__((format(printf, 2, 3))) mbr_printf(struct mbr_out *o, const char *fmt, ...)
{
	char tmp[96];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0) {
		mbr_emit(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
	}
}

static int
mbr_header_ok(const struct msgbuf_header *h, size_t data_avail)
{
	return h->magic == MSGBUF_MAGIC && h->version == MSGBUF_VERSION &&
	       h->hdr_size == MSGBUF_HEADER_SIZE && h->data_size >= MSGBUF_MIN_SIZE &&
	       h->data_size <= MSGBUF_MAX_SIZE && (h->data_size & 7) == 0 && h->data_size <= data_avail;
}

/* Decode records of a copied ring. `head_after` is the head read after copying. */
static void
mbr_decode(const struct msgbuf_header *h, const unsigned char *data, uint64_t head_after, int flags,
           struct mbr_out *o)
{
	uint32_t size = h->data_size;
	uint64_t tail = h->tail, head = h->head;
	int cont = 0; /* the previous record continues on the next */
	uint64_t cont_tid = 0;

	if (head_after > head) {
		head = head_after;
	}
	if (tail < head || tail - head > size) {
		return; /* torn or damaged header: nothing can be trusted */
	}
	for (uint64_t off = head; off < tail;) {
		uint32_t pos = (uint32_t)(off % size);
		struct msgbuf_record r;

		if (size - pos < MSGBUF_PAD_MIN) {
			break;
		}
		memcpy(&r, data + pos, size - pos < sizeof(r) ? MSGBUF_PAD_MIN : sizeof(r));
		if (r.len < MSGBUF_PAD_MIN || (r.len & 7) != 0 || r.len > size - pos || r.len > tail - off) {
			break;
		}
		off += r.len;
		if (r.flags & MSGBUF_RF_PAD) {
			continue;
		}
		if (r.len < MSGBUF_RECORD_SIZE || r.text_len > r.len - MSGBUF_RECORD_SIZE) {
			break;
		}
		if (cont && r.tid != cont_tid) {
			mbr_emit(o, "\n", 1);
			cont = 0;
		}
		if (!cont) {
			mbr_printf(o, "[%5llu.%06llu] ", (unsigned long long)(r.time_ns / 1000000000ULL),
			           (unsigned long long)(r.time_ns % 1000000000ULL / 1000));
			if (flags & MSGBUF_DUMP_LEVEL) {
				mbr_printf(o, "<%u> ", r.level);
			}
			if (flags & MSGBUF_DUMP_TID) {
				mbr_printf(o, "[tid %llu] ", (unsigned long long)r.tid);
			}
		}
		mbr_emit(o, (const char *)data + pos + MSGBUF_RECORD_SIZE, r.text_len);
		cont = (r.flags & MSGBUF_RF_CONT) != 0;
		cont_tid = r.tid;
		if (!cont) {
			mbr_emit(o, "\n", 1);
		}
	}
	if (cont) {
		mbr_emit(o, "\n", 1);
	}
}

static int
mbr_from_fd(int fd, int flags, struct mbr_out *o)
{
	struct msgbuf_header h, h2;
	unsigned char *data;
	off_t fsize = lseek(fd, 0, SEEK_END);

	if (fsize < (off_t)MSGBUF_HEADER_SIZE) {
		return EINVAL;
	}
	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h)) {
		return errno != 0 ? errno : EIO;
	}
	if (!mbr_header_ok(&h, (size_t)fsize - MSGBUF_HEADER_SIZE)) {
		return EINVAL;
	}
	data = malloc(h.data_size);
	if (data == NULL) {
		return ENOMEM;
	}
	if (pread(fd, data, h.data_size, MSGBUF_HEADER_SIZE) != (ssize_t)h.data_size ||
	    pread(fd, &h2, sizeof(h2), 0) != (ssize_t)sizeof(h2)) {
		free(data);
		return EIO;
	}
	/* A kernel that rebooted onto this file while we read: use the new header's view only if same ring. */
	mbr_decode(&h, data, h2.data_size == h.data_size ? h2.head : UINT64_MAX, flags, o);
	free(data);
	return 0;
}

int
msgbuf_dump(const char *path, FILE *out, int flags)
{
	struct mbr_out o = {.fp = out};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0) {
		return errno;
	}
	err = mbr_from_fd(fd, flags, &o);
	close(fd);
	fflush(out);
	return err;
}

long
msgbuf_render(const char *path, char *buf, size_t size, int flags)
{
	struct mbr_out o = {.fp = NULL, .buf = buf, .size = size, .len = 0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0) {
		return -errno;
	}
	err = mbr_from_fd(fd, flags, &o);
	close(fd);
	if (size > 0) {
		buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return err != 0 ? -err : (long)o.len;
}

long
msgbuf_render_image(const void *image, size_t len, char *buf, size_t size, int flags)
{
	struct mbr_out o = {.fp = NULL, .buf = buf, .size = size, .len = 0};
	const volatile struct msgbuf_header *live = image;
	struct msgbuf_header h;
	unsigned char *data;
	uint64_t head_after;

	if (image == NULL || len < MSGBUF_HEADER_SIZE) {
		return -EINVAL;
	}
	memcpy(&h, image, sizeof(h));
	h.tail = __atomic_load_n(&live->tail, __ATOMIC_ACQUIRE);
	h.head = __atomic_load_n(&live->head, __ATOMIC_ACQUIRE);
	if (!mbr_header_ok(&h, len - MSGBUF_HEADER_SIZE)) {
		return -EINVAL;
	}
	data = malloc(h.data_size);
	if (data == NULL) {
		return -ENOMEM;
	}
	memcpy(data, (const unsigned char *)image + MSGBUF_HEADER_SIZE, h.data_size);
	/* Read the data before the second head (x86 keeps loads in order; stop the compiler). */
	__asm__ volatile("" ::: "memory");
	head_after = __atomic_load_n(&live->head, __ATOMIC_ACQUIRE);
	mbr_decode(&h, data, head_after, flags, &o);
	free(data);
	if (size > 0) {
		buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return (long)o.len;
}
