/*
 * strtol.c — string to integer conversion for the kernel: strtol, strtoul,
 * strtoq, strtouq, atoi and itoa. The kernel has no errno: on overflow the
 * result is clamped to the type's limit and the whole number is consumed.
 * One unsigned 64-bit parser does the work; the typed entry points clamp.
 */
#include <libkern/libkern.h>
#include <limits.h>

struct stol_result {
	uint64_t mag; /* magnitude, saturated at UINT64_MAX */
	int negative;
	int overflow; /* the magnitude exceeded 64 bits */
	int any;      /* at least one digit */
};

static int
stol_isspace(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int
stol_digit(int c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'z') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'Z') {
		return c - 'A' + 10;
	}
	return 99;
}

/* Parse [space][sign][0x|0]digits in `base` (0: auto); sets *endptr like strtol. */
static void
stol_parse(const char *nptr, char **endptr, int base, struct stol_result *r)
{
	const char *s = nptr;
	int d;

	r->mag = 0;
	r->negative = 0;
	r->overflow = 0;
	r->any = 0;
	if (base < 0 || base == 1 || base > 36) {
		goto out;
	}
	while (stol_isspace((unsigned char)*s)) {
		s++;
	}
	if (*s == '-' || *s == '+') {
		r->negative = (*s == '-');
		s++;
	}
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
	    stol_digit((unsigned char)s[2]) < 16) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = (s[0] == '0') ? 8 : 10;
	}
	for (; (d = stol_digit((unsigned char)*s)) < base; s++) {
		r->any = 1;
		if (r->overflow) {
			continue;
		}
		if (r->mag > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
			r->overflow = 1;
			r->mag = UINT64_MAX;
		} else {
			r->mag = r->mag * (uint64_t)base + (uint64_t)d;
		}
	}
out:
	if (endptr != NULL) {
		*endptr = (char *)(uintptr_t)(r->any ? s : nptr);
	}
}

/* Clamp a parsed value into [min, max] of a signed type. */
static int64_t
stol_signed(const struct stol_result *r, int64_t min, int64_t max)
{
	if (r->negative) {
		if (r->mag > (uint64_t)max + 1) {
			return min;
		}
		return (int64_t)(0 - r->mag);
	}
	if (r->mag > (uint64_t)max) {
		return max;
	}
	return (int64_t)r->mag;
}

/* Unsigned conversions negate a '-' value, as C does; overflow clamps to max. */
static uint64_t
stol_unsigned(const struct stol_result *r, uint64_t max)
{
	if (r->overflow || r->mag > max) {
		return max;
	}
	return r->negative ? (0 - r->mag) & max : r->mag;
}

long
strtol(const char *nptr, char **endptr, int base)
{
	struct stol_result r;

	stol_parse(nptr, endptr, base, &r);
	return (long)stol_signed(&r, LONG_MIN, LONG_MAX);
}

unsigned long
strtoul(const char *nptr, char **endptr, int base)
{
	struct stol_result r;

	stol_parse(nptr, endptr, base, &r);
	return (unsigned long)stol_unsigned(&r, ULONG_MAX);
}

quad_t
strtoq(const char *nptr, char **endptr, int base)
{
	struct stol_result r;

	stol_parse(nptr, endptr, base, &r);
	return stol_signed(&r, QUAD_MIN, QUAD_MAX);
}

u_quad_t
strtouq(const char *nptr, char **endptr, int base)
{
	struct stol_result r;

	stol_parse(nptr, endptr, base, &r);
	return stol_unsigned(&r, UQUAD_MAX);
}

int
atoi(const char *str)
{
	struct stol_result r;

	stol_parse(str, NULL, 10, &r);
	return (int)stol_signed(&r, INT_MIN, INT_MAX);
}

/* Decimal representation of num into str (at least 12 bytes); returns str. */
char *
itoa(int num, char *str)
{
	char digits[12];
	char *d = digits;
	char *p = str;
	unsigned int v = num < 0 ? 0u - (unsigned int)num : (unsigned int)num;

	do {
		*d++ = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (num < 0) {
		*p++ = '-';
	}
	while (d != digits) {
		*p++ = *--d;
	}
	*p = '\0';
	return str;
}
