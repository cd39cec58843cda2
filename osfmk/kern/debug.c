/*
 * debug.c — panic and its relatives: Debugger, Assert, OSBacktrace and
 * OSReportWithBacktrace.
 *
 * A panic writes a report shaped like XNU's panic log,
 *
 *     panic(cpu 1 caller 0x...): <message>
 *     Backtrace (CPU 1), Frame : Return Address
 *     0x<frame> : 0x<return address> <what it is: debug_format_frame>
 *     ...
 *           Kernel Extensions in backtrace:
 *              <id>(<version>)[<UUID>]@0x<start>->0x<end>
 *
 *     Kernel version:
 *     Darwin Kernel Version ...
 *     Boot args: ...
 *     loaded kexts: ...
 *
 * to the kernel message buffer, the console and a panic log file under the
 * kernel root (debug_report.c), then ends the kernel process with
 * KHOST_EXIT_PANIC. A fault in kernel code reports the same way with the
 * trap and the registers first (debug_trap.c). Only one thread reports: another thread
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

#define PANIC_BUF_SIZE (48 * 1024)
#define PANIC_MAX_FRAMES 32
/* A report that has not finished by then is cut short (host/fault.c's deadline). */
#define PANIC_DEADLINE_S 30
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
	return debug_backtrace_from((uintptr_t)__builtin_frame_address(0), frames, rets, max, skip);
}

unsigned
debug_backtrace_from(uintptr_t fp, uintptr_t *frames, uintptr_t *rets, unsigned max, unsigned skip)
{
	uintptr_t lo = 0, hi = 0;
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
panic_format_backtrace(char *buf, size_t size, int cpu, const uintptr_t *frames, const uintptr_t *rets,
                       unsigned n, bool first_is_pc)
{
	size_t len = 0;

	len += (size_t)scnprintf(buf + len, size - len, "Backtrace (CPU %d), Frame : Return Address\n", cpu);
	for (unsigned i = 0; i < n; i++) {
		len += (size_t)scnprintf(buf + len, size - len, "0x%016lx : ", (unsigned long)frames[i]);
		if (i == 0 && first_is_pc) {
			len += debug_format_frame(rets[i], buf + len, size - len);
		} else {
			len += debug_format_return(rets[i], buf + len, size - len);
		}
		len += (size_t)scnprintf(buf + len, size - len, "\n");
	}
	len += panic_format_kexts_in_backtrace(buf + len, size - len, rets, n);
	return len;
}

size_t
panic_format_report(char *buf, size_t size, int cpu, uintptr_t caller, const char *fmt, va_list ap)
{
	uintptr_t frames[PANIC_MAX_FRAMES], rets[PANIC_MAX_FRAMES];
	size_t len = 0;
	unsigned n;

	len += (size_t)scnprintf(buf + len, size - len, "panic(cpu %d caller 0x%lx): ", cpu,
	                         (unsigned long)caller);
	len += (size_t)vscnprintf(buf + len, size - len, fmt, ap);
	len += (size_t)scnprintf(buf + len, size - len, "\n");
	n = debug_backtrace(frames, rets, PANIC_MAX_FRAMES, 1);
	len += panic_format_backtrace(buf + len, size - len, cpu, frames, rets, n, false);
	len += panic_format_tail(buf + len, size - len);
	return len;
}

int
panic_enter(void)
{
	if (__atomic_exchange_n(&panic_entered, 1, __ATOMIC_ACQ_REL) != 0) {
		return EBUSY;
	}
	__atomic_store_n(&panic_tid, khost_thread_id(), __ATOMIC_RELEASE);
	khost_panic_deadline(PANIC_DEADLINE_S);
	return 0;
}

void
panic_finish(const char *report, size_t len)
{
	log_panic_write(report, len);
	panic_write_log_file(report, len);
	khost_exit(KHOST_EXIT_PANIC);
}

char *
panic_buffer(size_t *size)
{
	*size = sizeof(panic_buf);
	return panic_buf;
}

void
panic_nested(const char *what)
{
	panic_reenter(what);
}

void
panic_with_caller(uintptr_t caller, const char *fmt, va_list ap)
{
	size_t len;

	if (panic_enter() != 0) {
		panic_reenter(fmt);
	}
	len = panic_format_report(panic_buf, sizeof(panic_buf), khost_cpu_number(), caller, fmt, ap);
	panic_finish(panic_buf, len);
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
