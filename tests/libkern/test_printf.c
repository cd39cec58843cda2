/*
 * test_printf.c — the kernel's format engine through snprintf and friends:
 * every conversion with flags, widths, precisions and length modifiers
 * against the exact expected text, '*' arguments, XNU's %b, literal echo of
 * floating-point conversions, NULL strings and pointers; truncation and the
 * return values of snprintf (untruncated length), scnprintf (stored
 * length) and sprintf; and sscanf's conversions, widths, %n and failures.
 */
#include "tests/ktest.h"
#include <limits.h>
#include <libkern/libkern.h>

/*
 * Checks go through an unattributed variadic helper so that formats the
 * compiler would reject (%f without a double: kernel code cannot pass
 * floating point) can be tested too.
 */
static void
check_fmt(int line, const char *want, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	ck_assert_msg(strcmp(buf, want) == 0, "line %d: format \"%s\" gave \"%s\", expected \"%s\"", line,
	              fmt, buf, want);
	ck_assert_msg(n == (int)strlen(want), "line %d: format \"%s\" returned %d, expected %d", line, fmt, n,
	              (int)strlen(want));
}

#define CHECK(want, ...) check_fmt(__LINE__, want, __VA_ARGS__)

START_TEST(integers)
{
	CHECK("0", "%d", 0);
	CHECK("-1", "%d", -1);
	CHECK("-2147483648", "%d", INT_MIN);
	CHECK("2147483647", "%i", INT_MAX);
	CHECK("   42", "%5d", 42);
	CHECK("42   |", "%-5d|", 42);
	CHECK("-0042", "%05d", -42);
	CHECK("+5", "%+d", 5);
	CHECK(" 5", "% d", 5);
	CHECK("+0", "%+d", 0);
	CHECK("007", "%.3d", 7);
	CHECK("    -007", "%8.3d", -7);
	CHECK("", "%.0d", 0);
	CHECK("   ", "%3.0d", 0);
	CHECK("  007", "%05.3d", 7); /* a precision disables '0' */
	CHECK("4294967295", "%u", 4294967295u);
	CHECK("ff", "%x", 255u);
	CHECK("FF", "%X", 255u);
	CHECK("0xff", "%#x", 255u);
	CHECK("0XFF", "%#X", 255u);
	CHECK("0", "%#x", 0u);
	CHECK("0x00ff", "%#06x", 255u);
	CHECK("10", "%o", 8u);
	CHECK("010", "%#o", 8u);
	CHECK("0", "%#o", 0u);
	CHECK("00010", "%#.5o", 8u);
	CHECK("18446744073709551615", "%lu", ULONG_MAX);
	CHECK("-9223372036854775808", "%lld", LLONG_MIN);
	CHECK("ffffffffffffffff", "%llx", ULLONG_MAX);
	CHECK("-9223372036854775808", "%qd", LLONG_MIN);
	CHECK("44", "%hhd", 300);
	CHECK("0", "%hhu", 256);
	CHECK("-1", "%hhd", 255);
	CHECK("4464", "%hd", 70000);
	CHECK("65535", "%hu", -1);
	CHECK("123", "%zu", (size_t)123);
	CHECK("-5", "%zd", (long)-5);
	CHECK("-6", "%td", (ptrdiff_t)-6);
	CHECK("9223372036854775807", "%jd", (intmax_t)LLONG_MAX);
	CHECK("1 2 3", "%d %ld %lld", 1, 2L, 3LL);
}
END_TEST

START_TEST(strings_chars_pointers)
{
	CHECK("A", "%c", 'A');
	CHECK("  A", "%3c", 'A');
	CHECK("A  |", "%-3c|", 'A');
	CHECK("hi", "%s", "hi");
	CHECK("h", "%.1s", "hi");
	CHECK("    h|", "%5.1s|", "hi");
	CHECK("hi   |", "%-5s|", "hi");
	CHECK("(null)", "%s", (char *)NULL);
	CHECK("", "%s", "");
	CHECK("0x1234", "%p", (void *)0x1234);
	CHECK("0x0", "%p", (void *)0);
	CHECK("  0xab", "%6p", (void *)0xab);
	CHECK("0xffffffffffffffff", "%p", (void *)~0UL);
	CHECK("100%", "%d%%", 100);
	CHECK("%", "%%");
}
END_TEST

START_TEST(star_arguments)
{
	CHECK("   42", "%*d", 5, 42);
	CHECK("42   |", "%-*d|", 5, 42);
	CHECK("42   |", "%*d|", -5, 42); /* negative width means left-justify */
	CHECK("007", "%.*d", 3, 7);
	CHECK("7", "%.*d", -3, 7); /* negative precision is ignored */
	CHECK("ab", "%.*s", 2, "abc");
	CHECK("   ab", "%*.*s", 5, 2, "abc");
}
END_TEST

START_TEST(xnu_bitfield_and_unsupported)
{
	CHECK("3<TWO,ONE>", "%b", 3, "\20\2TWO\1ONE");
	CHECK("5<ONE,THREE>", "%b", 5, "\12\1ONE\2TWO\3THREE");
	CHECK("0", "%b", 0, "\20\1ONE");
	CHECK("10<B>", "%b", 8, "\10\4B");
	/* floating point is not supported: echoed literally, nothing consumed */
	CHECK("%f", "%f");
	CHECK("x=%5.2f y=7", "x=%5.2f y=%d", 7);
	CHECK("%e|%g", "%e|%g");
	CHECK("abc%", "abc%");
	CHECK("%n", "%n");
}
END_TEST

START_TEST(width_beyond_chunks)
{
	char buf[200];
	char want[200];

	ck_assert_int_eq(snprintf(buf, sizeof(buf), "%100d", 1), 100);
	memset(want, ' ', 99);
	want[99] = '1';
	want[100] = '\0';
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(snprintf(buf, sizeof(buf), "%-70s|", "x"), 71);
	ck_assert_int_eq(buf[69], ' ');
	ck_assert_int_eq(buf[70], '|');
	ck_assert_int_eq(snprintf(buf, sizeof(buf), "%080d", -3), 80);
	ck_assert_int_eq(buf[0], '-');
	ck_assert_int_eq(buf[78], '0');
	ck_assert_int_eq(buf[79], '3');
}
END_TEST

START_TEST(truncation_and_return_values)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(snprintf(buf, 5, "%s", "hello world"), 11);
	ck_assert_str_eq(buf, "hell");
	ck_assert_int_eq(buf[5], 'x'); /* nothing written past size */

	memset(buf, 'x', sizeof(buf));
	ck_assert_int_eq(snprintf(buf, 0, "%d", 12345), 5);
	ck_assert_int_eq(buf[0], 'x');
	ck_assert_int_eq(snprintf(NULL, 0, "%s-%d", "ab", 7), 4);
	ck_assert_int_eq(snprintf(buf, 1, "abc"), 3);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(snprintf(buf, sizeof(buf), "1234567"), 7);
	ck_assert_str_eq(buf, "1234567");
	ck_assert_int_eq(snprintf(buf, sizeof(buf), "12345678"), 8);
	ck_assert_str_eq(buf, "1234567");

	ck_assert_int_eq(scnprintf(buf, 5, "%s", "hello world"), 4);
	ck_assert_str_eq(buf, "hell");
	ck_assert_int_eq(scnprintf(buf, sizeof(buf), "%d", 42), 2);
	ck_assert_int_eq(scnprintf(buf, 0, "%d", 42), 0);
	ck_assert_int_eq(scnprintf(buf, 1, "%d", 42), 0);
	ck_assert_str_eq(buf, "");

	char big[64];
	ck_assert_int_eq(sprintf(big, "%s=%#x", "val", 0xbeefu), 10);
	ck_assert_str_eq(big, "val=0xbeef");
}
END_TEST

START_TEST(sscanf_conversions)
{
	int a = 0, b = 0, n = 0;
	unsigned u = 0;
	long l = 0;
	long long ll = 0;
	char s[16], c[4] = {0};
	unsigned char hh = 0;
	short h = 0;

	ck_assert_int_eq(sscanf("12 0x1f abc", "%d %x %s", &a, &u, s), 3);
	ck_assert_int_eq(a, 12);
	ck_assert_uint_eq(u, 31);
	ck_assert_str_eq(s, "abc");
	ck_assert_int_eq(sscanf("0x10 010 -7", "%i %i %i", &a, &b, &n), 3);
	ck_assert_int_eq(a, 16);
	ck_assert_int_eq(b, 8);
	ck_assert_int_eq(n, -7);
	ck_assert_int_eq(sscanf("12345", "%2d%3d", &a, &b), 2);
	ck_assert_int_eq(a, 12);
	ck_assert_int_eq(b, 345);
	ck_assert_int_eq(sscanf("abcdef", "%3s%2c", s, c), 2);
	ck_assert_str_eq(s, "abc");
	ck_assert_int_eq(memcmp(c, "de", 2), 0);
	ck_assert_int_eq(sscanf("key=value;", "key=%5s%n", s, &n), 1);
	ck_assert_str_eq(s, "value");
	ck_assert_int_eq(n, 9);
	ck_assert_int_eq(sscanf("1 2", "%*d %d", &a), 1);
	ck_assert_int_eq(a, 2);
	ck_assert_int_eq(sscanf("-9000000000 777", "%ld %llo", &l, &ll), 2);
	ck_assert_int_eq(l, -9000000000L);
	ck_assert_int_eq(ll, 0777);
	ck_assert_int_eq(sscanf("300 70000", "%hhu %hd", &hh, &h), 2);
	ck_assert_uint_eq(hh, 44);
	ck_assert_int_eq(h, 4464);
	ck_assert_int_eq(sscanf("50%", "%d%%", &a), 1);
	/* failures */
	ck_assert_int_eq(sscanf("", "%d", &a), -1);
	ck_assert_int_eq(sscanf("   ", "%d", &a), -1);
	ck_assert_int_eq(sscanf("x12", "%d", &a), 0);
	ck_assert_int_eq(sscanf("12 x", "%d %d", &a, &b), 1);
	ck_assert_int_eq(sscanf("ab", "a%dc", &a), 0);
	ck_assert_int_eq(sscanf("7", "%d %d", &a, &b), 1);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("libkern_printf");
	TCase *tc = ktest_tcase("printf");

	tcase_add_test(tc, integers);
	tcase_add_test(tc, strings_chars_pointers);
	tcase_add_test(tc, star_arguments);
	tcase_add_test(tc, xnu_bitfield_and_unsupported);
	tcase_add_test(tc, width_beyond_chunks);
	tcase_add_test(tc, truncation_and_return_values);
	tcase_add_test(tc, sscanf_conversions);
	suite_add_tcase(s, tc);
	return s;
}
