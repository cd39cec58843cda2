/*
 * sscanf.c — a small scanf for parsing kernel strings (boot-args, plist
 * values): %d %i %u %o %x %X %s %c %n %% with field widths, '*' to skip an
 * assignment, and the length modifiers hh h l ll q z t j. Returns the number
 * of assignments, or -1 when the input ends before the first conversion.
 */
#include <libkern/libkern.h>

enum scan_len { SCAN_INT, SCAN_CHAR, SCAN_SHORT, SCAN_LONG, SCAN_LLONG };

static int
scan_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int
scan_digit(int c, int base)
{
	int d;

	if (c >= '0' && c <= '9') {
		d = c - '0';
	} else if (c >= 'a' && c <= 'f') {
		d = c - 'a' + 10;
	} else if (c >= 'A' && c <= 'F') {
		d = c - 'A' + 10;
	} else {
		return -1;
	}
	return d < base ? d : -1;
}

/*
 * Scan an integer of at most `width` characters at *sp in `base` (0: auto).
 * Returns 0 and advances *sp, or -1 when no digit was found.
 */
static int
scan_integer(const char **sp, int width, int base, uint64_t *out, int *negative)
{
	const char *s = *sp;
	uint64_t v = 0;
	int any = 0, d;

	*negative = 0;
	if (width > 0 && (*s == '-' || *s == '+')) {
		*negative = (*s == '-');
		s++;
		width--;
	}
	if ((base == 0 || base == 16) && width >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    (width == 2 || scan_digit((unsigned char)s[2], 16) >= 0)) {
		s += 2;
		width -= 2;
		base = 16;
		if (width == 0) {
			return -1;
		}
	} else if (base == 0) {
		base = (s[0] == '0') ? 8 : 10;
	}
	while (width > 0 && (d = scan_digit((unsigned char)*s, base)) >= 0) {
		v = v * (uint64_t)base + (uint64_t)d;
		s++;
		width--;
		any = 1;
	}
	if (!any) {
		return -1;
	}
	*sp = s;
	*out = *negative ? 0 - v : v;
	return 0;
}

static void
scan_store(va_list *ap, enum scan_len len, uint64_t v)
{
	switch (len) {
	case SCAN_CHAR:
		*va_arg(*ap, char *) = (char)v;
		break;
	case SCAN_SHORT:
		*va_arg(*ap, short *) = (short)v;
		break;
	case SCAN_LONG:
		*va_arg(*ap, long *) = (long)v;
		break;
	case SCAN_LLONG:
		*va_arg(*ap, long long *) = (long long)v;
		break;
	default:
		*va_arg(*ap, int *) = (int)v;
		break;
	}
}

int
vsscanf(const char *str, const char *fmt, va_list ap0)
{
	const char *s = str, *f = fmt;
	int assigned = 0, converted = 0;
	va_list ap;

	if (str == NULL || fmt == NULL) {
		return -1;
	}
	va_copy(ap, ap0);
	while (*f != '\0') {
		if (scan_isspace((unsigned char)*f)) {
			while (scan_isspace((unsigned char)*f)) {
				f++;
			}
			while (scan_isspace((unsigned char)*s)) {
				s++;
			}
			continue;
		}
		if (*f != '%' || f[1] == '%') {
			if (*f == '%') {
				f++;
				while (scan_isspace((unsigned char)*s)) {
					s++;
				}
			}
			if (*s == '\0') {
				goto input_end;
			}
			if (*s != *f) {
				goto out;
			}
			s++;
			f++;
			continue;
		}

		/* A conversion: %[*][width][length]conv */
		int suppress = 0, width = 0;
		enum scan_len len = SCAN_INT;
		f++;
		if (*f == '*') {
			suppress = 1;
			f++;
		}
		while (*f >= '0' && *f <= '9') {
			width = width * 10 + (*f++ - '0');
		}
		if (*f == 'h') {
			f++;
			len = SCAN_SHORT;
			if (*f == 'h') {
				f++;
				len = SCAN_CHAR;
			}
		} else if (*f == 'l') {
			f++;
			len = SCAN_LONG;
			if (*f == 'l') {
				f++;
				len = SCAN_LLONG;
			}
		} else if (*f == 'q' || *f == 'j') {
			f++;
			len = SCAN_LLONG;
		} else if (*f == 'z' || *f == 't') {
			f++;
			len = SCAN_LONG;
		}
		char conv = *f++;
		if (conv == '\0') {
			goto out;
		}
		if (conv == 'n') {
			if (!suppress) {
				scan_store(&ap, len, (uint64_t)(s - str));
			}
			continue;
		}
		if (conv != 'c') {
			while (scan_isspace((unsigned char)*s)) {
				s++;
			}
		}
		if (*s == '\0') {
			goto input_end;
		}
		switch (conv) {
		case 'd':
		case 'i':
		case 'u':
		case 'o':
		case 'x':
		case 'X': {
			int base = conv == 'i' ? 0 : conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
			uint64_t v;
			int neg;
			if (scan_integer(&s, width > 0 ? width : INT32_MAX, base, &v, &neg) != 0) {
				goto out;
			}
			if (!suppress) {
				scan_store(&ap, len, v);
				assigned++;
			}
			break;
		}
		case 's': {
			char *dst = suppress ? NULL : va_arg(ap, char *);
			int max = width > 0 ? width : INT32_MAX;
			while (*s != '\0' && !scan_isspace((unsigned char)*s) && max-- > 0) {
				if (dst != NULL) {
					*dst++ = *s;
				}
				s++;
			}
			if (dst != NULL) {
				*dst = '\0';
				assigned++;
			}
			break;
		}
		case 'c': {
			char *dst = suppress ? NULL : va_arg(ap, char *);
			int n = width > 0 ? width : 1;
			for (int i = 0; i < n; i++) {
				if (s[i] == '\0') {
					goto out;
				}
			}
			if (dst != NULL) {
				memcpy(dst, s, (size_t)n);
				assigned++;
			}
			s += n;
			break;
		}
		default:
			goto out;
		}
		converted++;
	}
	goto out;
input_end:
	if (converted == 0 && assigned == 0) {
		va_end(ap);
		return -1;
	}
out:
	va_end(ap);
	return assigned;
}

int
sscanf(const char *str, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsscanf(str, fmt, ap);
	va_end(ap);
	return n;
}
