/*
 * debug.c — panic and its relatives: Debugger, Assert, OSBacktrace and
 * OSReportWithBacktrace.
 *
 * A panic writes a report shaped like XNU's panic log,
 *
 *     panic(cpu 1 caller 0x...): <message>
 *     Backtrace (CPU 1), Frame : Return Address
 *     0x<frame> : 0x<return address>
 *     ...
 *     Kernel version:
 *     Darwin Kernel Version ...
 *     Boot args: ...
 *
 * to the kernel message buffer and the console, then ends the kernel
 * process with KHOST_EXIT_PANIC. Only one thread reports: another thread
 * that panics meanwhile waits for the process to end, and a panic on the
 * panicking thread itself (a panic while reporting) writes one raw line and
 * exits at once. The report is built in a static buffer because the
 * panicking thread may be on a small kernel stack.
 */
#include <sys/systm.h>
#include <kern/debug.h>
#include <kern/assert.h>
#include <libkern/libkern.h>
#include <pexpert/pexpert.h>
#include "host/khost.h"
#include "bsd/kern/subr_log.h"
#include "osfmk/kern/debug_internal.h"

#define PANIC_BUF_SIZE 8192
#define PANIC_MAX_FRAMES 32
/* How long a second panicking thread waits for the first to end the process. */
#define PANIC_WAIT_NS (5ULL * 1000 * 1000 * 1000)

unsigned int debug_boot_arg;

static uint32_t panic_entered;
static uint64_t panic_tid;
static char panic_buf[PANIC_BUF_SIZE];

int
panic_active(void)
{
	return __atomic_load_n(&panic_entered, __ATOMIC_ACQUIRE) != 0;
}

__attribute__((__noinline__)) unsigned
debug_backtrace(uintptr_t *frames, uintptr_t *rets, unsigned max, unsigned skip)
{
	uintptr_t lo = 0, hi = 0;
	uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
	unsigned n = 0;

	khost_thread_stack(&lo, &hi);
	while (n < max) {
		if (fp < lo || fp > hi - 2 * sizeof(uintptr_t) || (fp & (sizeof(uintptr_t) - 1)) != 0) {
			break;
		}
		uintptr_t next = ((uintptr_t *)fp)[0];
		uintptr_t ret = ((uintptr_t *)fp)[1];
		if (ret == 0) {
			break;
		}
		if (skip > 0) {
			skip--;
		} else {
			if (frames != NULL) {
				frames[n] = fp;
			}
			rets[n] = ret;
			n++;
		}
		if (next <= fp) {
			break; /* frames must move up the stack */
		}
		fp = next;
	}
	return n;
}

/* A nested or concurrent panic: never returns. */
static __attribute__((__noreturn__)) void
panic_reenter(const char *fmt)
{
	static const char nested[] = "\npanic: nested panic while panicking: ";

	if (__atomic_load_n(&panic_tid, __ATOMIC_ACQUIRE) == khost_thread_id()) {
		khost_console_write(nested, sizeof(nested) - 1);
		if (fmt != NULL) {
			khost_console_write(fmt, strnlen(fmt, 256));
		}
		khost_console_write("\n", 1);
		khost_exit(KHOST_EXIT_PANIC);
	}
	/* Another thread is reporting: let it finish, but never hang. */
	uint64_t deadline = khost_uptime_ns() + PANIC_WAIT_NS;
	while (khost_uptime_ns() < deadline) {
		khost_thread_yield();
	}
	khost_exit(KHOST_EXIT_PANIC);
}

size_t
debug_format_frame(uintptr_t pc, char *buf, size_t size)
{
	return (size_t)scnprintf(buf, size, "0x%016lx", (unsigned long)pc);
}

size_t
panic_format_report(char *buf, size_t size, int cpu, uintptr_t caller, const char *fmt, va_list ap)
{
	uintptr_t frames[PANIC_MAX_FRAMES], rets[PANIC_MAX_FRAMES];
	const char *version = kernel_version_string();
	const char *bootargs = PE_boot_args();
	size_t len = 0;
	unsigned n;

	len += (size_t)scnprintf(buf + len, size - len, "panic(cpu %d caller 0x%lx): ", cpu,
	                         (unsigned long)caller);
	len += (size_t)vscnprintf(buf + len, size - len, fmt, ap);
	len += (size_t)scnprintf(buf + len, size - len, "\nBacktrace (CPU %d), Frame : Return Address\n",
	                         cpu);
	n = debug_backtrace(frames, rets, PANIC_MAX_FRAMES, 1);
	for (unsigned i = 0; i < n; i++) {
		len += (size_t)scnprintf(buf + len, size - len, "0x%016lx : 0x%016lx\n",
		                         (unsigned long)frames[i], (unsigned long)rets[i]);
	}
	len += (size_t)scnprintf(buf + len, size - len, "\nKernel version:\n%s\nBoot args: %s\n",
	                         version != NULL ? version : "(unknown)", bootargs != NULL ? bootargs : "");
	return len;
}

void
panic_with_caller(uintptr_t caller, const char *fmt, va_list ap)
{
	size_t len;

	if (__atomic_exchange_n(&panic_entered, 1, __ATOMIC_ACQ_REL) != 0) {
		panic_reenter(fmt);
	}
	__atomic_store_n(&panic_tid, khost_thread_id(), __ATOMIC_RELEASE);
	len = panic_format_report(panic_buf, sizeof(panic_buf), khost_cpu_number(), caller, fmt, ap);
	log_panic_write(panic_buf, len);
	khost_exit(KHOST_EXIT_PANIC);
}

void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_with_caller((uintptr_t)__builtin_return_address(0), fmt, ap);
}

/*
 * XNU treats Debugger() as a panic unless debug boot-args are present
 * without DB_KERN_DUMP_ON_NMI; then it drops into the debugger and returns.
 * There is no debugger here, so the returning case logs a report.
 */
static void
debugger_panic(uintptr_t caller, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	panic_with_caller(caller, fmt, ap);
}

void
Debugger(const char *message)
{
	uintptr_t caller = (uintptr_t)__builtin_return_address(0);

	if (message == NULL) {
		message = "";
	}
	if (debug_boot_arg != 0 && !(debug_boot_arg & DB_KERN_DUMP_ON_NMI)) {
		OSReportWithBacktrace("Debugger called: <%s>", message);
		return;
	}
	debugger_panic(caller, "Debugger called: <%s>", message);
}

void
Assert(const char *file, int line, const char *expression)
{
	panic("%s:%d Assertion failed: %s", file != NULL ? file : "?", line,
	      expression != NULL ? expression : "?");
}

unsigned
OSBacktrace(void **bt, unsigned maxAddrs)
{
	uintptr_t rets[PANIC_MAX_FRAMES];
	unsigned n, i;

	if (bt == NULL) {
		return 0;
	}
	/* Skip debug_backtrace's frame: bt[0] is the return address into our caller. */
	n = debug_backtrace(NULL, rets, maxAddrs < PANIC_MAX_FRAMES ? maxAddrs : PANIC_MAX_FRAMES, 1);
	for (i = 0; i < n; i++) {
		bt[i] = (void *)rets[i];
	}
	for (; i < maxAddrs; i++) {
		bt[i] = NULL;
	}
	return n;
}

void
OSReportWithBacktrace(const char *str, ...)
{
	uintptr_t rets[8];
	char line[160];
	size_t len = 0;
	unsigned n;
	va_list ap;

	va_start(ap, str);
	(void)log_vformat(LOG_NOTICE, 0, str, ap);
	va_end(ap);

	n = debug_backtrace(NULL, rets, 8, 1);
	len += (size_t)scnprintf(line, sizeof(line), "\nBacktrace");
	for (unsigned i = 0; i < n; i++) {
		len += (size_t)scnprintf(line + len, sizeof(line) - len, " 0x%lx", (unsigned long)rets[i]);
	}
	log_write(LOG_NOTICE, 0, line, len);
	log_write(LOG_NOTICE, 0, "\n", 1);
}
