/*
 * ktest.c — the kernel-side part of the test harness: the fixture that boots
 * and shuts down the kernel core inside each forked test process.
 */
#include "tests/ktest.h"
#include "host/khost.h"

void
ktest_boot(void)
{
	struct kernel_boot_params params = {
	        .root = NULL,
	        .boot_args = ktest_boot_args,
	        .flags = KERNEL_BOOT_NO_SELFCHECK,
	};
	int err = kernel_bootstrap(&params);
	ck_assert_int_eq(err, 0);
}

void
ktest_shutdown(void)
{
	kernel_shutdown();
}

TCase *
ktest_tcase_noboot(const char *name)
{
	TCase *tc = tcase_create(name);
	tcase_set_timeout(tc, 30);
	return tc;
}

TCase *
ktest_tcase(const char *name)
{
	TCase *tc = ktest_tcase_noboot(name);
	tcase_add_checked_fixture(tc, ktest_boot, ktest_shutdown);
	return tc;
}
