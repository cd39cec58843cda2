/*
 * bootargs.c — the boot-args string and PE_parse_boot_argn().
 *
 * The string is copied once at boot (PE_init_bootargs) and never changes.
 * Lookup rules (as XNU's platform expert):
 *  - arguments are separated by spaces or tabs; names match exactly;
 *  - "-flag" found: store 1 (as a number of max_len bytes);
 *  - "name=value": a value that is entirely a number (decimal, 0x hex, 0b
 *    binary, leading-0 octal, optional '-', optional k/m/g multiplier) is
 *    stored as an integer of max_len bytes (1, 2, 4 or 8; other sizes store
 *    4); anything else is copied as a string of at most max_len - 1 chars;
 *  - a bare "name" counts as the number 1;
 *  - max_len 0 only reports whether the argument is present;
 *  - PE_parse_boot_arg_str always copies the value as a string.
 */
#include <pexpert/pexpert.h>
#include <sys/types.h>
#include <string.h>
#include "osfmk/kern/startup.h"

#define BOOT_LINE_LENGTH 1024

static char pe_boot_args[BOOT_LINE_LENGTH];

enum bootarg_kind { BOOTARG_NUM, BOOTARG_STR };

static int
bootarg_is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\0';
}

void
PE_init_bootargs(const char *args)
{
	if (args == NULL)
		args = "";
	strlcpy(pe_boot_args, args, sizeof(pe_boot_args));
}

const char *
PE_boot_args(void)
{
	return pe_boot_args;
}

/* Classify the text after '=' and, for numbers, compute the value. */
static enum bootarg_kind
bootarg_number(const char *s, long long *out)
{
	unsigned long long radix = 10, v;
	long long scale = 1;

	if (*s == '-') {
		scale = -1;
		s++;
	}
	if (*s < '0' || *s > '9')
		return BOOTARG_STR;
	v = (unsigned long long)(*s++ - '0');
	if (v == 0) {
		if (*s == 'x') {
			radix = 16;
			s++;
		} else if (*s == 'b') {
			radix = 2;
			s++;
		} else if (*s >= '0' && *s <= '7') {
			radix = 8;
		} else if (!bootarg_is_sep(*s)) {
			return BOOTARG_STR;
		}
	}
	for (; !bootarg_is_sep(*s); s++) {
		char c = *s;
		unsigned long long d;

		if ((c == 'k' || c == 'K') && bootarg_is_sep(s[1])) {
			scale *= 1024;
			continue;
		}
		if ((c == 'm' || c == 'M') && bootarg_is_sep(s[1])) {
			scale *= 1024 * 1024;
			continue;
		}
		if ((c == 'g' || c == 'G') && bootarg_is_sep(s[1])) {
			scale *= 1024LL * 1024 * 1024;
			continue;
		}
		if (c >= '0' && c <= '9')
			d = (unsigned long long)(c - '0');
		else if (radix == 16 && c >= 'a' && c <= 'f')
			d = (unsigned long long)(c - 'a' + 10);
		else if (radix == 16 && c >= 'A' && c <= 'F')
			d = (unsigned long long)(c - 'A' + 10);
		else
			return BOOTARG_STR;
		if (d >= radix)
			return BOOTARG_STR;
		v = v * radix + d;
	}
	*out = (long long)v * scale;
	return BOOTARG_NUM;
}

static void
bootarg_store_num(long long val, void *to, int max_len)
{
	switch (max_len) {
	case 1:
		*(int8_t *)to = (int8_t)val;
		break;
	case 2:
		*(int16_t *)to = (int16_t)val;
		break;
	case 8:
		*(int64_t *)to = (int64_t)val;
		break;
	default:
		*(int32_t *)to = (int32_t)val;
		break;
	}
}

static void
bootarg_store_str(const char *from, char *to, int max_chars)
{
	int i = 0;

	while (!bootarg_is_sep(from[i]) && i < max_chars) {
		to[i] = from[i];
		i++;
	}
	to[i] = '\0';
}

/* Store the value of one matched argument; `val` points after the name. */
static void
bootarg_store(const char *name, const char *val, void *arg_ptr, int max_len, int force_string)
{
	long long num = 1;
	enum bootarg_kind kind = BOOTARG_NUM;

	if (max_len <= 0)
		return;
	if (name[0] == '-') {
		if (force_string)
			bootarg_store_str("1", arg_ptr, max_len);
		else
			bootarg_store_num(1, arg_ptr, max_len);
		return;
	}
	if (*val == '=')
		kind = force_string ? BOOTARG_STR : bootarg_number(val + 1, &num);
	else if (force_string)
		kind = BOOTARG_STR;
	if (kind == BOOTARG_NUM)
		bootarg_store_num(num, arg_ptr, max_len);
	else
		bootarg_store_str(*val == '=' ? val + 1 : "1", arg_ptr, max_len - 1);
}

static boolean_t
bootarg_parse(const char *args, const char *arg_string, void *arg_ptr, int max_len, int force_string)
{
	size_t want = strlen(arg_string);

	while (*args != '\0') {
		const char *start, *end;

		while (*args == ' ' || *args == '\t')
			args++;
		if (*args == '\0')
			break;
		start = args;
		end = start;
		while (!bootarg_is_sep(*end) && *end != '=')
			end++;
		if ((size_t)(end - start) == want && strncmp(start, arg_string, want) == 0) {
			if (max_len >= 0)
				bootarg_store(arg_string, end, arg_ptr, max_len, force_string);
			return max_len >= 0;
		}
		args = end;
		while (!bootarg_is_sep(*args))
			args++;
	}
	return FALSE;
}

boolean_t
PE_parse_boot_argn(const char *arg_string, void *arg_ptr, int max_len)
{
	if (arg_string == NULL || *arg_string == '\0')
		return FALSE;
	return bootarg_parse(pe_boot_args, arg_string, arg_ptr, max_len, 0);
}

boolean_t
PE_parse_boot_arg_str(const char *arg_string, char *arg_ptr, int max_len)
{
	if (arg_string == NULL || *arg_string == '\0')
		return FALSE;
	return bootarg_parse(pe_boot_args, arg_string, arg_ptr, max_len, 1);
}
