/*
 * small.c — the benchmark's small kext: a few functions and exactly ten
 * imports, all of which exist both in the kernel (resolved by kxld) and in
 * glibc (resolved by dlopen of the same code built as a shared object).
 */
#include <stddef.h>
#include <string.h>
#include <libkern/libkern.h>

int kmod_info = 1;
static char small_buf[64];

int
small_entry(const char *s)
{
	char tmp[32];
	int n = (int)strlen(s);

	memset(tmp, 0, sizeof(tmp));
	memcpy(tmp, s, n < 31 ? (size_t)n : 31);
	memmove(small_buf, tmp, sizeof(tmp));
	n += strcmp(tmp, "x") > 0;
	n += strncmp(tmp, "ab", 2) == 0;
	n += memcmp(tmp, small_buf, 8) == 0;
	n += strchr(tmp, 'a') != NULL;
	n += strrchr(tmp, 'b') != NULL;
	return n + snprintf(small_buf, sizeof(small_buf), "%d", n);
}
