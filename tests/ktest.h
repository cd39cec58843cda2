/*
 * ktest.h — what a kernel test includes. Tests are kernel-side code (built in
 * the kernel environment, their printf is the kernel's) that use the Check
 * library. Check forks every test; ktest_tcase() adds a checked fixture that
 * boots a fresh kernel core in that child and shuts it down afterwards, so
 * every test starts from a clean kernel and a crash or hang stays contained.
 */
#ifndef KTEST_H
#define KTEST_H

#include <check.h>
#include <sys/types.h>
#include <sys/systm.h>
#include <mach/mach_types.h>

/* A test case whose tests each run in a freshly booted kernel. */
TCase *ktest_tcase(const char *name);
/* A test case without the boot fixture (for tests that boot by hand). */
TCase *ktest_tcase_noboot(const char *name);
/* Boot and shut down explicitly (the fixture calls these). */
void ktest_boot(void);
void ktest_shutdown(void);
/* Boot-args for ktest_boot, from the KTEST_BOOT_ARGS environment variable. */
extern const char *ktest_boot_args;

/* Every test file defines its suite. */
Suite *ktest_suite(void);

#endif /* KTEST_H */
