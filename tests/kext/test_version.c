/*
 * test_version.c — CFBundleVersion parsing, ordering and formatting
 * (OSKextParseVersionString / OSKextVersionGetString), with the edge cases
 * of XNU's grammar: field widths, maximum values, stage letters and levels,
 * what follows whitespace, and invalid strings.
 */
#include "tests/ktest.h"
#include <libkern/OSKextLibPrivate.h>

struct vcase {
	const char *in;
	OSKextVersion value; /* -1: invalid */
	const char *out;     /* formatted back (NULL: not checked) */
};

static const struct vcase vcases[] = {
        {"1", 100009000LL, "1.0"},
        {"1.0", 100009000LL, "1.0"},
        {"1.0.0", 100009000LL, "1.0"},
        {"1.00.00", 100009000LL, "1.0"},
        {"1.2.3", 102039000LL, "1.2.3"},
        {"1.0d21", 100001021LL, "1.0d21"},
        {"1.0d0", 100001000LL, "1.0d0"},
        {"1.0a1", 100003001LL, "1.0a1"},
        {"1.0b1", 100005001LL, "1.0b1"},
        {"1.0fc1", 100007001LL, "1.0f1"},
        {"1.0f1", 100007001LL, "1.0f1"},
        {"1.2.3b4", 102035004LL, "1.2.3b4"},
        {"8.0.0b1", 800005001LL, "8.0b1"},
        {"8.0.0d0", 800001000LL, "8.0d0"},
        {"7.0", 700009000LL, "7.0"},
        {"19.6.0", 1906009000LL, "19.6"},
        {"9999.99.99fc255", 999999997255LL, "9999.99.99f255"},
        {"1234.5", 123405009000LL, "1234.5"},
        {"1b2", 100005002LL, "1.0b2"},
        {"1.2b3", 102005003LL, "1.2b3"},
        {"1..2", 100029000LL, "1.0.2"},
        {"1.2.34.", 102349000LL, "1.2.34"},
        {"1.2.34.b1", 102345001LL, "1.2.34b1"},
        {"1.0 ", 100009000LL, "1.0"},
        {"1.0\tanything", 100009000LL, "1.0"}, /* XNU stops at whitespace */
        {"1.0b1 x", 100005001LL, "1.0b1"},
        /* invalid */
        {"", -1, "(invalid)"},
        {" 1.0", -1, NULL},
        {"10000", -1, NULL},
        {"12345.0", -1, NULL},
        {"1.100", -1, NULL},
        {"1.2.100", -1, NULL},
        {"1.0.0.0", -1, NULL},
        {"1.0b256", -1, NULL},
        {"1.0b1000", -1, NULL},
        {"1.0fc0", -1, NULL},
        {"1.0f0", -1, NULL},
        {"1.0b", -1, NULL},
        {"1.0fc", -1, NULL},
        {"1.0x1", -1, NULL},
        {"1.0c1", -1, NULL},
        {"1.0b1b", -1, NULL},
        {"a1", -1, NULL},
        {"1.a", -1, NULL},
        {"1.0-1", -1, NULL},
        {".1", -1, NULL},
        {"1.2.3.4", -1, NULL},
};

START_TEST(parse_and_format_table)
{
	char buf[kOSKextVersionMaxLength];

	for (unsigned int i = 0; i < sizeof(vcases) / sizeof(vcases[0]); i++) {
		OSKextVersion v = OSKextParseVersionString(vcases[i].in);

		ck_assert_msg(v == vcases[i].value, "\"%s\": got %lld, want %lld", vcases[i].in, (long long)v,
		              (long long)vcases[i].value);
		if (vcases[i].out != NULL) {
			ck_assert(OSKextVersionGetString(v, buf, sizeof(buf)));
			ck_assert_msg(strcmp(buf, vcases[i].out) == 0,
			              "\"%s\": formatted \"%s\", want \"%s\"", vcases[i].in, buf,
			              vcases[i].out);
			if (v > 0) {
				/* what we print parses back to the same version */
				ck_assert_int_eq(OSKextParseVersionString(buf), v);
			}
		}
	}
	ck_assert_int_eq(OSKextParseVersionString(NULL), -1);
}
END_TEST

START_TEST(apple_ordering)
{
	static const char *const ascending[] = {
	        "1.0d1",   "1.0d21",  "1.0a1", "1.0a2",  "1.0b1",  "1.0b10", "1.0fc1",     "1.0fc2",
	        "1.0",     "1.0.1d1", "1.0.1", "1.1b1",  "1.1",    "1.10",   "2",          "7.0",
	        "8.0.0d0", "8.0.0b1", "8.0",   "19.6.0", "19.6.1", "20",     "9999.99.99",
	};
	for (unsigned int i = 1; i < sizeof(ascending) / sizeof(ascending[0]); i++) {
		OSKextVersion a = OSKextParseVersionString(ascending[i - 1]);
		OSKextVersion b = OSKextParseVersionString(ascending[i]);

		ck_assert_msg(a > 0 && b > 0 && a < b, "%s < %s", ascending[i - 1], ascending[i]);
	}
	ck_assert_int_eq(OSKextParseVersionString("1.0"), OSKextParseVersionString("1.0.0"));
	ck_assert_int_eq(OSKextParseVersionString("1.0f3"), OSKextParseVersionString("1.0fc3"));
}
END_TEST

START_TEST(format_special_values)
{
	char buf[kOSKextVersionMaxLength];
	char small[kOSKextVersionMaxLength - 1];

	ck_assert(OSKextVersionGetString(0, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "(missing)");
	ck_assert(OSKextVersionGetString(-1, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "(invalid)");
	/* a major version beyond 9999 or a stage that doesn't exist can't be formatted */
	ck_assert(OSKextVersionGetString(1000000000000LL, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "(invalid)");
	ck_assert(OSKextVersionGetString(100002000LL, buf, sizeof(buf)));
	ck_assert_str_eq(buf, "(invalid)");
	ck_assert(!OSKextVersionGetString(100009000LL, small, sizeof(small)));
	ck_assert(!OSKextVersionGetString(100009000LL, NULL, 64));
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("kext_version");
	TCase *tc = ktest_tcase("version");

	tcase_add_test(tc, parse_and_format_table);
	tcase_add_test(tc, apple_ordering);
	tcase_add_test(tc, format_special_values);
	suite_add_tcase(s, tc);
	return s;
}
