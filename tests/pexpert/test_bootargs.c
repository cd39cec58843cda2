/*
 * test_bootargs.c — PE_parse_boot_argn: flags, numbers in every radix,
 * strings, prefixes that must not match, value sizes, and the boot-args the
 * kernel was booted with.
 */
#include "tests/ktest.h"
#include <pexpert/pexpert.h>
#include "osfmk/kern/startup.h"

static const char *const args_a = "-x -a b=3 y=42";
static const char *const args_b = "hello=world -foobar abc debug=0xBAADF00D";

START_TEST(test_flags_and_numbers)
{
	int v = 0;

	PE_init_bootargs(args_a);
	ck_assert(PE_parse_boot_argn("-a", &v, sizeof(v)));
	ck_assert_int_eq(v, 1);
	ck_assert(PE_parse_boot_argn("b", &v, sizeof(v)));
	ck_assert_int_eq(v, 3);
	ck_assert(PE_parse_boot_argn("y", &v, sizeof(v)));
	ck_assert_int_eq(v, 42);
	ck_assert(PE_parse_boot_argn("-x", NULL, 0));
	ck_assert(!PE_parse_boot_argn("-y", &v, sizeof(v)));
}
END_TEST

START_TEST(test_prefixes_do_not_match)
{
	int v = 7;

	PE_init_bootargs("-x -ab -aa y=42");
	ck_assert(!PE_parse_boot_argn("-a", &v, sizeof(v)));
	PE_init_bootargs("-x b=96 y=42");
	ck_assert(!PE_parse_boot_argn("bx", &v, sizeof(v)));
	PE_init_bootargs("-x ab=96 y=42");
	ck_assert(!PE_parse_boot_argn("a", &v, sizeof(v)));
	ck_assert_int_eq(v, 7);
	PE_init_bootargs("-x -a b=2 ba=3 y=42");
	ck_assert(PE_parse_boot_argn("ba", &v, sizeof(v)));
	ck_assert_int_eq(v, 3);
	ck_assert(PE_parse_boot_argn("b", &v, sizeof(v)));
	ck_assert_int_eq(v, 2);
}
END_TEST

START_TEST(test_radixes_and_sizes)
{
	int32_t v32 = 0;
	int64_t v64 = 0;
	uint8_t v8 = 0;

	PE_init_bootargs(args_b);
	ck_assert(PE_parse_boot_argn("debug", &v32, sizeof(v32)));
	ck_assert_uint_eq((uint32_t)v32, 0xBAADF00Du);
	PE_init_bootargs("o=017 bin=0b101 neg=-12 big=0x123456789 k=4k m=2m");
	ck_assert(PE_parse_boot_argn("o", &v32, sizeof(v32)));
	ck_assert_int_eq(v32, 017);
	ck_assert(PE_parse_boot_argn("bin", &v32, sizeof(v32)));
	ck_assert_int_eq(v32, 5);
	ck_assert(PE_parse_boot_argn("neg", &v32, sizeof(v32)));
	ck_assert_int_eq(v32, -12);
	ck_assert(PE_parse_boot_argn("big", &v64, sizeof(v64)));
	ck_assert(v64 == 0x123456789LL);
	ck_assert(PE_parse_boot_argn("big", &v8, sizeof(v8)));
	ck_assert_uint_eq(v8, 0x89);
	ck_assert(PE_parse_boot_argn("k", &v32, sizeof(v32)));
	ck_assert_int_eq(v32, 4096);
	ck_assert(PE_parse_boot_argn("m", &v32, sizeof(v32)));
	ck_assert_int_eq(v32, 2 * 1024 * 1024);
}
END_TEST

START_TEST(test_strings)
{
	char buf[16];
	int v = 0;

	PE_init_bootargs(args_b);
	ck_assert(PE_parse_boot_argn("hello", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "world");
	ck_assert(PE_parse_boot_arg_str("debug", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "0xBAADF00D");
	ck_assert(PE_parse_boot_arg_str("-foobar", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "1");
	ck_assert(PE_parse_boot_arg_str("abc", buf, sizeof(buf)));
	ck_assert_str_eq(buf, "1");
	/* A string value read into an int copies max_len - 1 characters, as XNU does. */
	ck_assert(PE_parse_boot_argn("hello", &v, sizeof(v)));
	ck_assert_int_eq(v, 0x00726F77);
	/* Truncation to the buffer. */
	ck_assert(PE_parse_boot_argn("hello", buf, 4));
	ck_assert_str_eq(buf, "wor");
}
END_TEST

START_TEST(test_empty_and_odd_input)
{
	int v = 5;

	PE_init_bootargs(NULL);
	ck_assert(!PE_parse_boot_argn("-v", &v, sizeof(v)));
	PE_init_bootargs("   \t  ");
	ck_assert(!PE_parse_boot_argn("-v", &v, sizeof(v)));
	PE_init_bootargs("= == =x x= -");
	ck_assert(PE_parse_boot_argn("x", &v, sizeof(v)));
	ck_assert(!PE_parse_boot_argn("", &v, sizeof(v)));
	ck_assert_int_eq(v, 0); /* "x=" is the empty string: one NUL byte copied into v's low byte */
}
END_TEST

START_TEST(test_booted_args_visible)
{
	ck_assert_ptr_nonnull(PE_boot_args());
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("bootargs");
	TCase *tc = ktest_tcase("parse");

	tcase_add_test(tc, test_flags_and_numbers);
	tcase_add_test(tc, test_prefixes_do_not_match);
	tcase_add_test(tc, test_radixes_and_sizes);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_empty_and_odd_input);
	tcase_add_test(tc, test_booted_args_visible);
	suite_add_tcase(s, tc);
	return s;
}
