/*
 * snprintf.c — formatted output into caller buffers: snprintf and
 * vsnprintf (return the length the full text would have), scnprintf and
 * vscnprintf (return what was actually stored), sprintf and vsprintf
 * (unbounded, for legacy callers). All go through prf_format().
 */
#include <libkern/libkern.h>
#include "libkern/stdio/doprnt.h"

struct snp_buf {
	char *buf;
	size_t size; /* capacity including the NUL; 0: store nothing */
	size_t pos;  /* characters stored so far */
	int unbounded;
};

static void
snp_out(const char *text, size_t len, void *ctx)
{
	struct snp_buf *b = ctx;
	size_t room;

	if (b->unbounded) {
		memcpy(b->buf + b->pos, text, len);
		b->pos += len;
		return;
	}
	if (b->size == 0 || b->pos >= b->size - 1) {
		return;
	}
	room = b->size - 1 - b->pos;
	if (len > room) {
		len = room;
	}
	memcpy(b->buf + b->pos, text, len);
	b->pos += len;
}

int
vsnprintf(char *str, size_t size, const char *fmt, va_list ap)
{
	struct snp_buf b = {.buf = str, .size = str != NULL ? size : 0, .pos = 0, .unbounded = 0};
	size_t n = prf_format(fmt, ap, snp_out, &b);

	if (b.size != 0) {
		str[b.pos] = '\0';
	}
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

int
snprintf(char *str, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(str, size, fmt, ap);
	va_end(ap);
	return n;
}

int
vscnprintf(char *str, size_t size, const char *fmt, va_list ap)
{
	int n = vsnprintf(str, size, fmt, ap);

	if (size == 0 || str == NULL) {
		return 0;
	}
	if ((size_t)n >= size) {
		return (int)(size - 1);
	}
	return n;
}

int
scnprintf(char *str, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(str, size, fmt, ap);
	va_end(ap);
	return n;
}

int
vsprintf(char *str, const char *fmt, va_list ap)
{
	struct snp_buf b = {.buf = str, .size = 0, .pos = 0, .unbounded = 1};
	size_t n = prf_format(fmt, ap, snp_out, &b);

	str[b.pos] = '\0';
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

int
sprintf(char *str, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsprintf(str, fmt, ap);
	va_end(ap);
	return n;
}
