/*
 * ktest_main.c — host-side main() of every test program: runs the file's
 * suite with Check (one forked process per test) and prints a summary line
 * that mk/run-tests.sh adds up. Options: --nofork (debug in gdb).
 */
#include <check.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *ktest_suite(void);
const char *ktest_boot_args;

int
main(int argc, char **argv)
{
	ktest_boot_args = getenv("KTEST_BOOT_ARGS");
	Suite *s = ktest_suite();
	SRunner *sr = srunner_create(s);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--nofork") == 0)
			srunner_set_fork_status(sr, CK_NOFORK);
	}
	srunner_run_all(sr, CK_NORMAL);
	int run = srunner_ntests_run(sr);
	int failed = srunner_ntests_failed(sr);
	printf("ktest: %s: %d passed, %d failed\n", basename(argv[0]), run - failed, failed);
	srunner_free(sr);
	return failed ? 1 : 0;
}
