/*
 * selfcheck.c — the boot-time check of the kernel C library: a handful of
 * formatting, parsing and string cases whose failure would make every later
 * message or boot-arg misleading.
 */
#include <sys/systm.h>
#include <libkern/libkern.h>
#include "osfmk/kern/startup.h"

static int
lsc_expect(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) != 0) {
		printf("libkern_string_selfcheck: %s gave \"%s\", expected \"%s\"\n", what, got, want);
		return 1;
	}
	return 0;
}

int
libkern_string_selfcheck(void)
{
	char buf[64];
	char *end;
	int bad = 0;

	snprintf(buf, sizeof(buf), "%d|%5s|%-4x|%#o|%llu", -42, "ab", 255u, 8u, 18446744073709551615ULL);
	bad |= lsc_expect("snprintf", buf, "-42|   ab|ff  |010|18446744073709551615");
	if (snprintf(buf, 4, "%s", "abcdef") != 6) {
		printf("libkern_string_selfcheck: snprintf did not return the untruncated length\n");
		bad = 1;
	}
	bad |= lsc_expect("snprintf truncation", buf, "abc");
	if (strtol("  -0x1f", &end, 0) != -31 || *end != '\0' || strtoul("777", NULL, 8) != 511 ||
	    strtol("99999999999999999999", NULL, 10) != LONG_MAX) {
		printf("libkern_string_selfcheck: strtol/strtoul gave wrong values\n");
		bad = 1;
	}
	if (strlcpy(buf, "hello world", 6) != 11) {
		printf("libkern_string_selfcheck: strlcpy did not return the source length\n");
		bad = 1;
	}
	bad |= lsc_expect("strlcpy", buf, "hello");
	return bad;
}
