/*
 * doprnt.c — the printf format engine shared by every formatted-output
 * function in the kernel. It parses one conversion at a time into a small
 * spec, renders it into a stack buffer and passes pieces of text to an
 * output callback, so callers choose where text goes (a bounded buffer, the
 * kernel log, the console) without a second formatter.
 *
 * There is no floating point in the kernel: %f %e %g %a are echoed literally.
 * XNU's %b prints a register value followed by the names of its set bits:
 * printf("%b", 3, "\20\2TWO\1ONE") gives "3<TWO,ONE>" (first byte: base).
 */
#include <sys/cdefs.h>
#include <stdint.h>
#include <string.h>
#include "libkern/stdio/doprnt.h"

#define PRF_LEFT 0x01  /* '-' */
#define PRF_PLUS 0x02  /* '+' */
#define PRF_SPACE 0x04 /* ' ' */
#define PRF_ALT 0x08   /* '#' */
#define PRF_ZERO 0x10  /* '0' */
#define PRF_UPPER 0x20 /* %X */
#define PRF_SIGNED 0x40

enum prf_len {
	PRF_LEN_INT,
	PRF_LEN_CHAR,
	PRF_LEN_SHORT,
	PRF_LEN_LONG,
	PRF_LEN_LLONG,
	PRF_LEN_SIZE,
	PRF_LEN_PTRDIFF,
	PRF_LEN_MAX
};

struct prf_spec {
	unsigned flags;
	int width; /* -1: none */
	int prec;  /* -1: none */
	enum prf_len len;
};

struct prf_sink {
	prf_out_fn out;
	void *ctx;
	size_t count;
};

static void
prf_emit(struct prf_sink *sink, const char *buf, size_t len)
{
	if (len != 0) {
		sink->out(buf, len, sink->ctx);
		sink->count += len;
	}
}

static void
prf_pad(struct prf_sink *sink, char c, int n)
{
	static const char spaces[] = "                                ";
	static const char zeros[] = "00000000000000000000000000000000";
	const char *src = (c == '0') ? zeros : spaces;

	while (n > 0) {
		int chunk = n < (int)sizeof(spaces) - 1 ? n : (int)sizeof(spaces) - 1;
		prf_emit(sink, src, (size_t)chunk);
		n -= chunk;
	}
}

/* Render v in base into the END of buf; returns the first digit. */
static char *
prf_utoa(uint64_t v, unsigned base, int upper, char *end)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[v % base];
		v /= base;
	} while (v != 0);
	return p;
}

/* Emit one integer conversion: [sign|prefix][zeros]digits, padded to width. */
static void
prf_integer(struct prf_sink *sink, const struct prf_spec *sp, uint64_t uv, int negative, unsigned base)
{
	char buf[24];
	char *end = buf + sizeof(buf);
	char *digits;
	const char *prefix = "";
	size_t ndigits;
	int zeros = 0, pad;

	if (sp->prec == 0 && uv == 0) {
		digits = end; /* "%.0d" of 0 prints nothing */
	} else {
		digits = prf_utoa(uv, base, sp->flags & PRF_UPPER, end);
	}
	ndigits = (size_t)(end - digits);

	if (sp->flags & PRF_SIGNED) {
		if (negative) {
			prefix = "-";
		} else if (sp->flags & PRF_PLUS) {
			prefix = "+";
		} else if (sp->flags & PRF_SPACE) {
			prefix = " ";
		}
	} else if (sp->flags & PRF_ALT) {
		if (base == 16 && uv != 0) {
			prefix = (sp->flags & PRF_UPPER) ? "0X" : "0x";
		} else if (base == 8 && (ndigits == 0 || *digits != '0')) {
			/* '#' with octal forces a leading zero, via the precision. */
			if (sp->prec <= (int)ndigits) {
				zeros = 1;
			}
		}
	}

	if (sp->prec > (int)ndigits) {
		zeros = sp->prec - (int)ndigits;
	}
	size_t plen = strlen(prefix);
	pad = sp->width - (int)(plen + (size_t)zeros + ndigits);
	if ((sp->flags & PRF_ZERO) && !(sp->flags & PRF_LEFT) && sp->prec < 0 && pad > 0) {
		zeros += pad;
		pad = 0;
	}
	if (!(sp->flags & PRF_LEFT)) {
		prf_pad(sink, ' ', pad);
	}
	prf_emit(sink, prefix, plen);
	prf_pad(sink, '0', zeros);
	prf_emit(sink, digits, ndigits);
	if (sp->flags & PRF_LEFT) {
		prf_pad(sink, ' ', pad);
	}
}

static void
prf_string(struct prf_sink *sink, const struct prf_spec *sp, const char *s)
{
	size_t len;
	int pad;

	if (s == NULL) {
		s = "(null)";
	}
	len = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
	pad = sp->width - (int)len;
	if (!(sp->flags & PRF_LEFT)) {
		prf_pad(sink, ' ', pad);
	}
	prf_emit(sink, s, len);
	if (sp->flags & PRF_LEFT) {
		prf_pad(sink, ' ', pad);
	}
}

/* XNU's %b: the value in the base given by desc[0], then <name,...> of set bits. */
static void
prf_bitfield(struct prf_sink *sink, uint64_t v, const char *desc)
{
	struct prf_spec sp = {.flags = 0, .width = -1, .prec = -1, .len = PRF_LEN_INT};
	unsigned base = 16;
	int any = 0;

	if (desc != NULL && (*desc == 8 || *desc == 10 || *desc == 16)) {
		base = (unsigned char)*desc++;
	}
	prf_integer(sink, &sp, v, 0, base);
	if (desc == NULL) {
		return;
	}
	while (*desc != '\0') {
		int bit = (unsigned char)*desc++;
		const char *name = desc;
		while (*desc > ' ') {
			desc++;
		}
		if (bit >= 1 && bit <= 64 && (v & (1ULL << (bit - 1)))) {
			prf_emit(sink, any ? "," : "<", 1);
			prf_emit(sink, name, (size_t)(desc - name));
			any = 1;
		}
	}
	if (any) {
		prf_emit(sink, ">", 1);
	}
}

static uint64_t
prf_arg_unsigned(va_list *ap, enum prf_len len)
{
	switch (len) {
	case PRF_LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case PRF_LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case PRF_LEN_LONG:
	case PRF_LEN_SIZE:
	case PRF_LEN_PTRDIFF:
		return va_arg(*ap, unsigned long);
	case PRF_LEN_LLONG:
	case PRF_LEN_MAX:
		return va_arg(*ap, unsigned long long);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static int64_t
prf_arg_signed(va_list *ap, enum prf_len len)
{
	switch (len) {
	case PRF_LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case PRF_LEN_SHORT:
		return (short)va_arg(*ap, int);
	case PRF_LEN_LONG:
	case PRF_LEN_SIZE:
	case PRF_LEN_PTRDIFF:
		return va_arg(*ap, long);
	case PRF_LEN_LLONG:
	case PRF_LEN_MAX:
		return va_arg(*ap, long long);
	default:
		return va_arg(*ap, int);
	}
}

/* Parse flags, width, precision and length after '%'; returns the conversion char. */
static const char *
prf_parse_spec(const char *f, va_list *ap, struct prf_spec *sp)
{
	sp->flags = 0;
	sp->width = -1;
	sp->prec = -1;
	sp->len = PRF_LEN_INT;

	for (;; f++) {
		if (*f == '-') {
			sp->flags |= PRF_LEFT;
		} else if (*f == '+') {
			sp->flags |= PRF_PLUS;
		} else if (*f == ' ') {
			sp->flags |= PRF_SPACE;
		} else if (*f == '#') {
			sp->flags |= PRF_ALT;
		} else if (*f == '0') {
			sp->flags |= PRF_ZERO;
		} else {
			break;
		}
	}
	if (*f == '*') {
		sp->width = va_arg(*ap, int);
		if (sp->width < 0) {
			sp->flags |= PRF_LEFT;
			sp->width = sp->width == INT32_MIN ? INT32_MAX : -sp->width;
		}
		f++;
	} else if (*f >= '1' && *f <= '9') {
		sp->width = 0;
		while (*f >= '0' && *f <= '9') {
			if (sp->width < 100000) {
				sp->width = sp->width * 10 + (*f - '0');
			}
			f++;
		}
	}
	if (*f == '.') {
		f++;
		if (*f == '*') {
			sp->prec = va_arg(*ap, int);
			if (sp->prec < 0) {
				sp->prec = -1;
			}
			f++;
		} else {
			sp->prec = 0;
			while (*f >= '0' && *f <= '9') {
				if (sp->prec < 100000) {
					sp->prec = sp->prec * 10 + (*f - '0');
				}
				f++;
			}
		}
	}
	switch (*f) {
	case 'h':
		f++;
		sp->len = PRF_LEN_SHORT;
		if (*f == 'h') {
			f++;
			sp->len = PRF_LEN_CHAR;
		}
		break;
	case 'l':
		f++;
		sp->len = PRF_LEN_LONG;
		if (*f == 'l') {
			f++;
			sp->len = PRF_LEN_LLONG;
		}
		break;
	case 'q':
	case 'L':
		f++;
		sp->len = PRF_LEN_LLONG;
		break;
	case 'z':
		f++;
		sp->len = PRF_LEN_SIZE;
		break;
	case 't':
		f++;
		sp->len = PRF_LEN_PTRDIFF;
		break;
	case 'j':
		f++;
		sp->len = PRF_LEN_MAX;
		break;
	default:
		break;
	}
	return f;
}

size_t
prf_format(const char *fmt, va_list ap0, prf_out_fn out, void *ctx)
{
	struct prf_sink sink = {.out = out, .ctx = ctx, .count = 0};
	struct prf_spec sp;
	va_list ap;
	const char *f = fmt;

	if (fmt == NULL) {
		return 0;
	}
	va_copy(ap, ap0);
	while (*f != '\0') {
		const char *lit = f;
		while (*f != '\0' && *f != '%') {
			f++;
		}
		prf_emit(&sink, lit, (size_t)(f - lit));
		if (*f == '\0') {
			break;
		}

		const char *start = f++; /* at '%' */
		f = prf_parse_spec(f, &ap, &sp);
		char conv = *f;
		if (conv == '\0') {
			/* A lone '%' at the end: print what was there. */
			prf_emit(&sink, start, (size_t)(f - start));
			break;
		}
		f++;

		switch (conv) {
		case 'd':
		case 'i': {
			int64_t v = prf_arg_signed(&ap, sp.len);
			sp.flags |= PRF_SIGNED;
			prf_integer(&sink, &sp, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0, 10);
			break;
		}
		case 'u':
			prf_integer(&sink, &sp, prf_arg_unsigned(&ap, sp.len), 0, 10);
			break;
		case 'o':
			prf_integer(&sink, &sp, prf_arg_unsigned(&ap, sp.len), 0, 8);
			break;
		case 'X':
			sp.flags |= PRF_UPPER;
			prf_integer(&sink, &sp, prf_arg_unsigned(&ap, sp.len), 0, 16);
			break;
		case 'x':
			prf_integer(&sink, &sp, prf_arg_unsigned(&ap, sp.len), 0, 16);
			break;
		case 'p': {
			uintptr_t p = (uintptr_t)va_arg(ap, void *);
			sp.flags = (sp.flags & PRF_LEFT) | PRF_ALT;
			if (p == 0) {
				/* "0x0" rather than "0" for NULL, as XNU prints it. */
				prf_string(&sink, &sp, "0x0");
			} else {
				prf_integer(&sink, &sp, p, 0, 16);
			}
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);
			int pad = sp.width - 1;
			if (!(sp.flags & PRF_LEFT)) {
				prf_pad(&sink, ' ', pad);
			}
			prf_emit(&sink, &c, 1);
			if (sp.flags & PRF_LEFT) {
				prf_pad(&sink, ' ', pad);
			}
			break;
		}
		case 's':
			prf_string(&sink, &sp, va_arg(ap, const char *));
			break;
		case 'b': {
			uint64_t v = prf_arg_unsigned(&ap, sp.len);
			prf_bitfield(&sink, v, va_arg(ap, const char *));
			break;
		}
		case '%':
			prf_emit(&sink, "%", 1);
			break;
		default:
			/* Unsupported (floating point, %n, ...): echo the spec as written. */
			prf_emit(&sink, start, (size_t)(f - start));
			break;
		}
	}
	va_end(ap);
	return sink.count;
}

struct prf_putc_ctx {
	void (*putc)(char);
};

static void
prf_putc_out(const char *buf, size_t len, void *ctx)
{
	struct prf_putc_ctx *pc = ctx;

	for (size_t i = 0; i < len; i++) {
		pc->putc(buf[i]);
	}
}

void
_doprnt(const char *fmt, va_list *argp, void (*putc)(char), int radix)
{
	struct prf_putc_ctx pc = {.putc = putc};

	(void)radix; /* the default radix of %r/%n in old Mach; unused */
	if (putc != NULL && argp != NULL) {
		prf_format(fmt, *argp, prf_putc_out, &pc);
	}
}
