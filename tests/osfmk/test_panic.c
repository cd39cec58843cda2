/*
 * test_panic.c — panic and its relatives. panic, Assert, a failed assert()
 * with MACH_ASSERT, Debugger without debug boot-args, a panic on a kernel
 * thread and two threads panicking at once all end the process with status
 * 70. The report has XNU's shape: "panic(cpu N caller 0x...): message",
 * "Backtrace (CPU N), Frame : Return Address" and "0x... : 0x..." frames,
 * then the kernel version and boot-args. With debug boot-args Debugger
 * returns after logging. OSBacktrace starts at its caller.
 */
#define MACH_ASSERT 1
#include "tests/ktest.h"
#include <kern/assert.h>
#include <kern/debug.h>
#include <kern/thread.h>
#include <libkern/libkern.h>
#include "host/khost.h"
#include "bsd/kern/subr_log.h"
#include "osfmk/kern/debug_internal.h"

START_TEST(panic_exits_70)
{
	panic("test panic %d", 1);
}
END_TEST

START_TEST(assert_macro_panics)
{
	volatile int x = 1;
	assert(x == 1); /* holds: no panic */
	assert(x == 2);
}
END_TEST

START_TEST(assert3u_panics)
{
	volatile unsigned a = 1, b = 2;
	assert3u(a, >, b);
}
END_TEST

START_TEST(Assert_panics)
{
	Assert("file.c", 12, "expr");
}
END_TEST

START_TEST(debugger_panics_by_default)
{
	Debugger("no debugger here");
}
END_TEST

static void
panicking_thread(void *arg, wait_result_t wr)
{
	(void)wr;
	panic("panic on kernel thread %ld", (long)arg);
}

START_TEST(panic_on_kernel_thread)
{
	thread_t th;
	ck_assert_int_eq(kernel_thread_start(panicking_thread, (void *)1, &th), KERN_SUCCESS);
	for (;;) {
		khost_thread_yield();
	}
}
END_TEST

START_TEST(concurrent_panics_exit_once)
{
	thread_t th;
	ck_assert_int_eq(kernel_thread_start(panicking_thread, (void *)1, &th), KERN_SUCCESS);
	ck_assert_int_eq(kernel_thread_start(panicking_thread, (void *)2, &th), KERN_SUCCESS);
	panic("and the main thread too");
}
END_TEST

static size_t
format_report(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = panic_format_report(buf, size, 3, 0xfeedfaceUL, fmt, ap);
	va_end(ap);
	return n;
}

START_TEST(report_format)
{
	static char buf[8192];
	size_t n = format_report(buf, sizeof(buf), "disk %s failed with %d", "disk0", 5);

	ck_assert_uint_eq(n, strlen(buf));
	ck_assert(strprefix(buf, "panic(cpu 3 caller 0xfeedface): disk disk0 failed with 5\n"));
	char *bt = strstr(buf, "\nBacktrace (CPU 3), Frame : Return Address\n");
	ck_assert_ptr_nonnull(bt);
	char *frame = strchr(bt + 1, '\n') + 1;
	unsigned long fp = 0, ra = 0;
	int frames = 0;
	while (sscanf(frame, "0x%lx : 0x%lx", &fp, &ra) == 2) {
		ck_assert_uint_ne(ra, 0);
		ck_assert_int_eq(frame[18], ' '); /* 0x + 16 digits, then " : " */
		ck_assert_int_eq(frame[19], ':');
		frames++;
		frame = strchr(frame, '\n') + 1;
	}
	ck_assert_int_ge(frames, 2);
	ck_assert_ptr_nonnull(strstr(frame, "Kernel version:\n"));
	ck_assert_ptr_nonnull(strstr(frame, kernel_version_string()));
	ck_assert_ptr_nonnull(strstr(frame, "\nBoot args: "));

	/* a report that does not fit is cut, never overflows */
	char small[40];
	memset(small, 'x', sizeof(small));
	n = format_report(small, 32, "%s", "a long message that will not fit in the buffer");
	ck_assert_uint_eq(n, 31);
	ck_assert_uint_eq(strlen(small), 31);
	ck_assert_int_eq(small[33], 'x');
}
END_TEST

static __attribute__((noinline)) unsigned
backtrace_here(void **bt, unsigned max, void **ret)
{
	unsigned n = OSBacktrace(bt, max);
	*ret = __builtin_return_address(0);
	__asm__ volatile("" ::: "memory"); /* keep this frame */
	return n;
}

START_TEST(osbacktrace_starts_at_caller)
{
	void *bt[8], *ret = NULL;
	unsigned n = backtrace_here(bt, 8, &ret);

	ck_assert_uint_ge(n, 2);
	ck_assert_ptr_eq(bt[1], ret); /* bt[0] is in backtrace_here, bt[1] in this test */
	ck_assert_uint_lt((uintptr_t)bt[0] - (uintptr_t)backtrace_here, 256);
	ck_assert_uint_eq(OSBacktrace(NULL, 4), 0);
	n = OSBacktrace(bt, 1);
	ck_assert_uint_eq(n, 1);
}
END_TEST

struct find_ctx {
	const char *needle;
	int found;
};

static void
find_fn(const struct msgbuf_record *r, const char *text, void *ctx)
{
	struct find_ctx *fc = ctx;
	char line[LOG_LINE_MAX + 1];

	memcpy(line, text, r->text_len);
	line[r->text_len] = '\0';
	if (strstr(line, fc->needle) != NULL) {
		fc->found++;
	}
}

static int
log_has(const char *needle)
{
	struct find_ctx fc = {.needle = needle};
	log_iterate(find_fn, &fc);
	return fc.found;
}

START_TEST(report_with_backtrace)
{
	OSReportWithBacktrace("something odd: %d", 77);
	ck_assert_int_eq(log_has("something odd: 77"), 1);
	ck_assert_int_ge(log_has("Backtrace 0x"), 1);
	ck_assert_int_eq(panic_active(), 0);
}
END_TEST

START_TEST(debugger_returns_with_debug_bootargs)
{
	struct kernel_boot_params p = {.boot_args = "debug=0x144", .flags = KERNEL_BOOT_NO_SELFCHECK};
	ck_assert_int_eq(kernel_bootstrap(&p), 0);
	ck_assert_uint_eq(debug_boot_arg, 0x144);
	Debugger("hello");
	ck_assert_int_eq(log_has("Debugger called: <hello>"), 1);
	kernel_shutdown();
}
END_TEST

/* A NULL dereference in kernel code is a page-fault panic (host/fault.c -> kernel_fault). */
static int *volatile null_ptr;

START_TEST(fault_panics_70)
{
	*null_ptr = 1;
}
END_TEST

START_TEST(divide_error_panics_70)
{
	volatile int zero = 0;
	ck_assert_int_eq(100 / zero, 0);
}
END_TEST

START_TEST(trap_names_are_xnus)
{
	ck_assert_str_eq(trap_name(0), "divide error");
	ck_assert_str_eq(trap_name(6), "invalid opcode");
	ck_assert_str_eq(trap_name(13), "general protection");
	ck_assert_str_eq(trap_name(14), "page fault");
	ck_assert_str_eq(trap_name(19), "SSE floating point");
	ck_assert_str_eq(trap_name(20), "Unknown");
}
END_TEST

START_TEST(trap_report_format)
{
	static char buf[16384];
	struct khost_trap_state ts;

	memset(&ts, 0, sizeof(ts));
	ts.rip = (uintptr_t)trap_report_format_fn + 4;
	ts.rbp = (uintptr_t)__builtin_frame_address(0);
	ts.rax = 0x1234;
	ts.cr2 = 0x10;
	ts.err = 6;
	ts.trapno = 14;
	size_t n = trap_format_report(buf, sizeof(buf), 2, &ts);
	ck_assert_uint_eq(n, strlen(buf));
	ck_assert(strprefix(buf, "panic(cpu 2 caller 0x"));
	ck_assert_ptr_nonnull(strstr(buf, "): Kernel trap at 0x"));
	ck_assert_ptr_nonnull(strstr(buf, ", type 14=page fault, registers:\nCR0: 0x0000000000000000, CR2: "
	                                  "0x0000000000000010, CR3: "));
	ck_assert_ptr_nonnull(strstr(buf, "\nRAX: 0x0000000000001234, RBX: "));
	ck_assert_ptr_nonnull(strstr(buf, "\nFault CR2: 0x0000000000000010, Error code: 0x0000000000000006, "
	                                  "Fault CPU: 0x2, PL: 0, VF: 0\n"));
	/* the first frame is the faulting instruction, symbolicated from the executable's DWARF */
	ck_assert_ptr_nonnull(strstr(buf, "Backtrace (CPU 2), Frame : Return Address\n0x"));
	ck_assert_ptr_nonnull(strstr(buf, " trap_report_format_fn + 0x4 test_panic.c:"));
	ck_assert_ptr_nonnull(strstr(buf, "\nloaded kexts:\n"));

	ts.flags = KHOST_TRAP_STACK_OVERFLOW;
	ts.addr = 0x7000;
	ts.stack_lo = 0x8000;
	ts.stack_hi = 0xc000;
	trap_format_report(buf, sizeof(buf), 0, &ts);
	ck_assert_ptr_nonnull(strstr(buf, "): Double fault at 0x"));
	ck_assert_ptr_nonnull(strstr(buf,
	                             "\nKernel stack overflow: fault address 0x7000 is below the thread's "
	                             "stack [0x8000, 0xc000)"));
}
END_TEST

START_TEST(panic_log_names)
{
	char name[64];

	panic_log_name(0, 0, name, sizeof(name));
	ck_assert_str_eq(name, "Kernel-1970-01-01-000000.panic");
	panic_log_name(951782400 + 3723, 0, name, sizeof(name)); /* 2000-02-29 01:02:03 UTC */
	ck_assert_str_eq(name, "Kernel-2000-02-29-010203.panic");
	panic_log_name(1700000000, 2, name, sizeof(name));
	ck_assert_str_eq(name, "Kernel-2023-11-14-221320-2.panic");
}
END_TEST

START_TEST(format_frame_names_kernel_functions)
{
	char buf[256];
	size_t n = debug_format_frame((uintptr_t)panic_with_caller + 1, buf, sizeof(buf));

	ck_assert_uint_eq(n, strlen(buf));
	ck_assert(strprefix(buf, "0x"));
	ck_assert_ptr_nonnull(strstr(buf, " panic_with_caller + 0x1 debug.c:"));
	n = debug_format_frame(0x10, buf, sizeof(buf));
	ck_assert_str_eq(buf, "0x0000000000000010");
	n = debug_format_frame((uintptr_t)panic_with_caller, buf, 8);
	ck_assert_uint_eq(n, 7); /* cut, never overflows */
}
END_TEST

Suite *
ktest_suite(void)
{
	Suite *s = suite_create("panic");
	TCase *tc = ktest_tcase("panic");
	tcase_add_exit_test(tc, panic_exits_70, 70);
	tcase_add_exit_test(tc, assert_macro_panics, 70);
	tcase_add_exit_test(tc, assert3u_panics, 70);
	tcase_add_exit_test(tc, Assert_panics, 70);
	tcase_add_exit_test(tc, debugger_panics_by_default, 70);
	tcase_add_exit_test(tc, panic_on_kernel_thread, 70);
	tcase_add_exit_test(tc, concurrent_panics_exit_once, 70);
	tcase_add_test(tc, report_format);
	tcase_add_test(tc, osbacktrace_starts_at_caller);
	tcase_add_test(tc, report_with_backtrace);
#if defined(__SANITIZE_ADDRESS__)
	/* UBSan (built with ASan here) reports the NULL store and the division first and exits 1. */
	tcase_add_exit_test(tc, fault_panics_70, 1);
	tcase_add_exit_test(tc, divide_error_panics_70, 1);
#else
	tcase_add_exit_test(tc, fault_panics_70, 70);
	tcase_add_exit_test(tc, divide_error_panics_70, 70);
#endif
	tcase_add_test(tc, trap_names_are_xnus);
	tcase_add_test(tc, trap_report_format);
	tcase_add_test(tc, panic_log_names);
	tcase_add_test(tc, format_frame_names_kernel_functions);
	suite_add_tcase(s, tc);

	TCase *tb = ktest_tcase_noboot("debugger");
	tcase_add_test(tb, debugger_returns_with_debug_bootargs);
	suite_add_tcase(s, tb);
	return s;
}
