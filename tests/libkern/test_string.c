/*
 * test_string.c — the kernel's string and memory functions against simple
 * byte-at-a-time references: every size and overlap of memcpy/memmove/
 * memset up to a few hundred bytes (both sides of the word and `rep`
 * thresholds), comparisons' signs, the bounded copies' return values and
 * truncation, copystr's ENAMETOOLONG, strsep, and number parsing (strtol's
 * clamping, bases, end pointers), itoa and ffs/fls; and the random number
 * functions (values vary and cover every bit; buffers are filled).
 */
#include "tests/ktest.h"
#include <string.h>
#include <limits.h>
#include <libkern/libkern.h>
#include "osfmk/kern/startup.h"

#define BUF 1200

static unsigned char src_buf[BUF], dst_buf[BUF], ref_buf[BUF];

/* Sizes passed through a volatile so the compiler cannot inline the calls. */
static volatile size_t vsize;

static size_t
opaque(size_t n)
{
	vsize = n;
	return vsize;
}

static void
fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++) {
		p[i] = (unsigned char)(i * 7 + seed * 13 + 1);
	}
}

START_TEST(memcpy_all_sizes_and_alignments)
{
	for (size_t n = 0; n <= 600; n = n < 80 ? n + 1 : n + 37) {
		for (size_t so = 0; so < 8; so += 3) {
			for (size_t doff = 0; doff < 8; doff += 5) {
				fill_pattern(src_buf, BUF, (unsigned)n);
				memset(dst_buf, 0xee, BUF);
				void *r = memcpy(dst_buf + doff, src_buf + so, opaque(n));
				ck_assert_ptr_eq(r, dst_buf + doff);
				for (size_t i = 0; i < doff; i++) {
					ck_assert_uint_eq(dst_buf[i], 0xee);
				}
				for (size_t i = 0; i < n; i++) {
					ck_assert_uint_eq(dst_buf[doff + i], src_buf[so + i]);
				}
				ck_assert_uint_eq(dst_buf[doff + n], 0xee);
			}
		}
	}
}
END_TEST

START_TEST(memmove_overlaps)
{
	for (size_t n = 0; n <= 520; n = n < 70 ? n + 1 : n + 45) {
		for (int shift = -17; shift <= 17; shift += (shift == -1 ? 2 : 1)) {
			size_t base = 300;
			fill_pattern(src_buf, BUF, (unsigned)(n + (size_t)(shift + 20)));
			memcpy(ref_buf, src_buf, BUF);
			/* reference: byte copy through a temporary */
			unsigned char tmp[BUF];
			for (size_t i = 0; i < n; i++) {
				tmp[i] = ref_buf[base + i];
			}
			for (size_t i = 0; i < n; i++) {
				ref_buf[base + (size_t)shift + i] = tmp[i];
			}
			void *r = memmove(src_buf + base + shift, src_buf + base, opaque(n));
			ck_assert_ptr_eq(r, src_buf + base + shift);
			ck_assert_int_eq(memcmp(src_buf, ref_buf, BUF), 0);
		}
	}
	/* bcopy and ovbcopy are memmove with the arguments swapped */
	strcpy((char *)dst_buf, "abcdefghij");
	bcopy(dst_buf, dst_buf + 2, opaque(5));
	ck_assert_str_eq((char *)dst_buf, "ababcdehij");
	ovbcopy((char *)dst_buf + 2, (char *)dst_buf, opaque(3));
	ck_assert_str_eq((char *)dst_buf, "abcbcdehij");
}
END_TEST

START_TEST(memset_and_bzero)
{
	for (size_t n = 0; n <= 600; n = n < 80 ? n + 1 : n + 29) {
		for (size_t off = 0; off < 8; off += 3) {
			memset(dst_buf, 0x11, BUF);
			void *r = memset(dst_buf + off, 0x1ab, opaque(n)); /* only the low byte counts */
			ck_assert_ptr_eq(r, dst_buf + off);
			for (size_t i = 0; i < BUF; i++) {
				unsigned char want = (i >= off && i < off + n) ? 0xab : 0x11;
				ck_assert_uint_eq(dst_buf[i], want);
			}
		}
	}
	memset(dst_buf, 0x5a, 64);
	bzero(dst_buf + 3, opaque(40));
	ck_assert_uint_eq(dst_buf[2], 0x5a);
	ck_assert_uint_eq(dst_buf[3], 0);
	ck_assert_uint_eq(dst_buf[42], 0);
	ck_assert_uint_eq(dst_buf[43], 0x5a);
}
END_TEST

START_TEST(memcmp_and_memchr)
{
	fill_pattern(src_buf, 300, 1);
	memcpy(dst_buf, src_buf, 300);
	ck_assert_int_eq(memcmp(src_buf, dst_buf, opaque(300)), 0);
	for (size_t pos = 0; pos < 300; pos += 11) {
		memcpy(dst_buf, src_buf, 300);
		dst_buf[pos] = (unsigned char)(src_buf[pos] + 1);
		ck_assert_int_lt(memcmp(src_buf, dst_buf, opaque(300)), 0);
		ck_assert_int_gt(memcmp(dst_buf, src_buf, opaque(300)), 0);
		ck_assert_int_eq(memcmp(src_buf, dst_buf, opaque(pos)), 0);
		ck_assert_int_ne(bcmp(src_buf, dst_buf, opaque(300)), 0);
	}
	/* bytes compare as unsigned */
	unsigned char a[1] = {0x80}, b[1] = {0x01};
	ck_assert_int_gt(memcmp(a, b, opaque(1)), 0);
	ck_assert_int_eq(bcmp(a, a, opaque(1)), 0);

	const char *s = "hello, world";
	ck_assert_ptr_eq(memchr(s, 'w', 12), s + 7);
	ck_assert_ptr_null(memchr(s, 'w', 7));
	ck_assert_ptr_eq(memchr(s, 'h' + 256, 12), s); /* converted to unsigned char */
}
END_TEST

START_TEST(lengths_and_comparisons)
{
	ck_assert_uint_eq(strlen(""), 0);
	ck_assert_uint_eq(strlen((const char *)"kexthost" + opaque(0)), 8);
	ck_assert_uint_eq(strnlen("kexthost", 3), 3);
	ck_assert_uint_eq(strnlen("kex", 10), 3);
	ck_assert_int_eq(strcmp("abc", "abc"), 0);
	ck_assert_int_lt(strcmp("abc", "abd"), 0);
	ck_assert_int_gt(strcmp("abc", "ab"), 0);
	ck_assert_int_gt(strcmp("\x80", "a"), 0); /* unsigned */
	ck_assert_int_eq(strncmp("abcX", "abcY", 3), 0);
	ck_assert_int_lt(strncmp("abcX", "abcY", 4), 0);
	ck_assert_int_eq(strncmp("ab", "ab", 10), 0);
	ck_assert_int_eq(strcasecmp("HeLLo", "hello"), 0);
	ck_assert_int_lt(strcasecmp("apple", "BANANA"), 0);
	ck_assert_int_eq(strncasecmp("KEXTfoo", "kextbar", 4), 0);
	ck_assert_int_ne(strncasecmp("KEXTfoo", "kextbar", 5), 0);
	ck_assert_int_eq(strprefix("com.apple.driver", "com.apple"), 1);
	ck_assert_int_eq(strprefix("com", "com.apple"), 0);
	ck_assert_int_eq(strprefix("anything", ""), 1);
}
END_TEST

START_TEST(bounded_copies)
{
	char buf[16];

	memset(buf, 'x', sizeof(buf));
	ck_assert_uint_eq(strlcpy(buf, "hello world", 6), 11);
	ck_assert_str_eq(buf, "hello");
	ck_assert_uint_eq(strlcpy(buf, "hi", sizeof(buf)), 2);
	ck_assert_str_eq(buf, "hi");
	buf[0] = 'q';
	ck_assert_uint_eq(strlcpy(buf, "abc", 0), 3);
	ck_assert_int_eq(buf[0], 'q'); /* size 0 stores nothing */

	strlcpy(buf, "abc", sizeof(buf));
	ck_assert_uint_eq(strlcat(buf, "defgh", 6), 8);
	ck_assert_str_eq(buf, "abcde");
	ck_assert_uint_eq(strlcat(buf, "zz", 3), 3 + 2); /* no NUL within size */
	ck_assert_str_eq(buf, "abcde");

	memset(buf, 'x', sizeof(buf));
	strncpy(buf, "ab", 5);
	ck_assert_int_eq(memcmp(buf, "ab\0\0\0x", 6), 0); /* pads with NULs */
	strncpy(buf, "abcdefg", 3);
	ck_assert_int_eq(memcmp(buf, "abc\0", 4), 0); /* no NUL added when full */

	strcpy(buf, "foo");
	strcat(buf, "bar");
	ck_assert_str_eq(buf, "foobar");
	strncat(buf, "bazqux", 3);
	ck_assert_str_eq(buf, "foobarbaz");
}
END_TEST

START_TEST(copystr_semantics)
{
	char dst[8];
	size_t done = 99;

	ck_assert_int_eq(copystr("abc", dst, sizeof(dst), &done), 0);
	ck_assert_uint_eq(done, 4); /* counts the NUL */
	ck_assert_str_eq(dst, "abc");
	ck_assert_int_eq(copystr("abcdefgh", dst, 8, &done), ENAMETOOLONG);
	ck_assert_uint_eq(done, 8);
	ck_assert_int_eq(copystr("abcdefg", dst, 8, &done), 0);
	ck_assert_uint_eq(done, 8);
	ck_assert_int_eq(copystr("x", dst, 0, &done), ENAMETOOLONG);
	ck_assert_uint_eq(done, 0);
	ck_assert_int_eq(copystr("x", dst, 4, NULL), 0);
}
END_TEST

START_TEST(searching)
{
	const char *s = "a/b//c";
	ck_assert_ptr_eq(strchr(s, '/'), s + 1);
	ck_assert_ptr_eq(strrchr(s, '/'), s + 4);
	ck_assert_ptr_eq(strchr(s, '\0'), s + 6);
	ck_assert_ptr_null(strchr(s, 'z'));
	ck_assert_ptr_null(strrchr(s, 'z'));
	const char *cmds = "kextload kextunload";
	ck_assert_ptr_eq(strstr(cmds, "unload"), cmds + 13);
	ck_assert_ptr_null(strstr("kext", "kexts"));
	const char *big = "Foo Bar Baz";
	ck_assert_ptr_eq(strstr(big, ""), big);
	ck_assert_ptr_eq(strnstr(big, "Bar", 7), big + 4);
	ck_assert_ptr_null(strnstr(big, "Bar", 6));
	ck_assert_ptr_null(strnstr(big, "Baz", 10));

	char line[] = "a,b;;c";
	char *p = line, *tok;
	tok = strsep(&p, ",;");
	ck_assert_str_eq(tok, "a");
	tok = strsep(&p, ",;");
	ck_assert_str_eq(tok, "b");
	tok = strsep(&p, ",;");
	ck_assert_str_eq(tok, ""); /* empty field between ;; */
	tok = strsep(&p, ",;");
	ck_assert_str_eq(tok, "c");
	ck_assert_ptr_null(p);
	ck_assert_ptr_null(strsep(&p, ","));
}
END_TEST

START_TEST(strtol_family)
{
	char *end;

	ck_assert_int_eq(strtol("  -123abc", &end, 10), -123);
	ck_assert_str_eq(end, "abc");
	ck_assert_int_eq(strtol("0x7fFF", &end, 0), 0x7fff);
	ck_assert_int_eq(strtol("0x7fFF", &end, 16), 0x7fff);
	ck_assert_int_eq(strtol("0777", NULL, 0), 0777);
	ck_assert_int_eq(strtol("z", NULL, 36), 35);
	ck_assert_int_eq(strtol("101", NULL, 2), 5);
	ck_assert_int_eq(strtol("+42", NULL, 10), 42);
	/* no digits: 0 and end == start */
	const char *junk = "  xyz";
	ck_assert_int_eq(strtol(junk, &end, 10), 0);
	ck_assert_ptr_eq(end, junk);
	/* "0x" without hex digits parses the 0 only */
	ck_assert_int_eq(strtol("0xg", &end, 16), 0);
	ck_assert_str_eq(end, "xg");
	/* bad base */
	ck_assert_int_eq(strtol("12", &end, 1), 0);
	ck_assert_int_eq(strtol("12", NULL, 37), 0);
	/* clamping, and the whole number is consumed */
	ck_assert_int_eq(strtol("9223372036854775807", NULL, 10), LONG_MAX);
	ck_assert_int_eq(strtol("9223372036854775808", &end, 10), LONG_MAX);
	ck_assert_str_eq(end, "");
	ck_assert_int_eq(strtol("-9223372036854775808", NULL, 10), LONG_MIN);
	ck_assert_int_eq(strtol("-99999999999999999999999", NULL, 10), LONG_MIN);
	ck_assert_uint_eq(strtoul("18446744073709551615", NULL, 10), ULONG_MAX);
	ck_assert_uint_eq(strtoul("18446744073709551616", NULL, 10), ULONG_MAX);
	ck_assert_uint_eq(strtoul("-1", NULL, 10), ULONG_MAX);
	ck_assert_uint_eq(strtoul("ff", NULL, 16), 255);
	ck_assert_int_eq(strtoq("-0x8000000000000000", NULL, 0), QUAD_MIN);
	ck_assert_uint_eq(strtouq("0x1234567890abcdef", NULL, 0), 0x1234567890abcdefULL);
	ck_assert_int_eq(atoi("  -77 bottles"), -77);
	ck_assert_int_eq(atoi("99999999999"), INT_MAX);
	ck_assert_int_eq(atoi("nope"), 0);
}
END_TEST

START_TEST(itoa_and_bits)
{
	char buf[16];

	ck_assert_str_eq(itoa(0, buf), "0");
	ck_assert_str_eq(itoa(12345, buf), "12345");
	ck_assert_str_eq(itoa(-42, buf), "-42");
	ck_assert_str_eq(itoa(INT_MIN, buf), "-2147483648");
	ck_assert_ptr_eq(itoa(7, buf), buf);

	ck_assert_int_eq(ffs(0), 0);
	ck_assert_int_eq(ffs(1), 1);
	ck_assert_int_eq(ffs(0x80000000u), 32);
	ck_assert_int_eq(ffs(0x18), 4);
	ck_assert_int_eq(fls(0), 0);
	ck_assert_int_eq(fls(1), 1);
	ck_assert_int_eq(fls(0x18), 5);
	ck_assert_int_eq(fls(0xffffffffu), 32);
	ck_assert_int_eq(ffsll(0), 0);
	ck_assert_int_eq(ffsll(1ULL << 40), 41);
	ck_assert_int_eq(flsll(1ULL << 63), 64);
	ck_assert_int_eq(flsll(3), 2);
}
END_TEST

START_TEST(random_numbers)
{
	uint32_t seen_or = 0, seen_and = 0xffffffffu, prev = random(), repeats = 0;
	unsigned char buf[64], zero[64];

	for (int i = 0; i < 10000; i++) {
		uint32_t r = random();
		seen_or |= r;
		seen_and &= r;
		repeats += (r == prev);
		prev = r;
	}
	ck_assert_uint_eq(seen_or, 0xffffffffu); /* every bit is sometimes set */
	ck_assert_uint_eq(seen_and, 0);          /* and sometimes clear */
	ck_assert_uint_le(repeats, 2);
	memset(buf, 0, sizeof(buf));
	memset(zero, 0, sizeof(zero));
	read_random(buf, sizeof(buf));
	ck_assert_int_ne(memcmp(buf, zero, sizeof(buf)), 0);
	memset(buf, 0, sizeof(buf));
	read_frandom(buf, 33);
	ck_assert_int_ne(memcmp(buf, zero, 33), 0);
	ck_assert_int_eq(memcmp(buf + 33, zero, sizeof(buf) - 33), 0); /* no more than asked */
	read_random(NULL, 0);
}
END_TEST

START_TEST(boot_selfcheck_passes)
{
	ck_assert_int_eq(libkern_string_selfcheck(), 0);
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("libkern_string");
	TCase *tc = ktest_tcase("string");

	tcase_add_test(tc, memcpy_all_sizes_and_alignments);
	tcase_add_test(tc, memmove_overlaps);
	tcase_add_test(tc, memset_and_bzero);
	tcase_add_test(tc, memcmp_and_memchr);
	tcase_add_test(tc, lengths_and_comparisons);
	tcase_add_test(tc, bounded_copies);
	tcase_add_test(tc, copystr_semantics);
	tcase_add_test(tc, searching);
	tcase_add_test(tc, strtol_family);
	tcase_add_test(tc, itoa_and_bits);
	tcase_add_test(tc, random_numbers);
	tcase_add_test(tc, boot_selfcheck_passes);
	suite_add_tcase(s, tc);
	return s;
}
