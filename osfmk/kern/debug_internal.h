/*
 * debug_internal.h — panic internals shared inside the kernel.
 */
#ifndef _KERN_DEBUG_INTERNAL_H_
#define _KERN_DEBUG_INTERNAL_H_

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* panic() with an explicit caller address (for wrappers that panic on behalf of their caller). */
__attribute__((__noreturn__)) void panic_with_caller(uintptr_t caller, const char *fmt, va_list ap)
        __printflike(2, 0);

/*
 * Walk the caller's frame-pointer chain, storing up to `max` frames
 * (frame address, return address), skipping `skip` innermost frames.
 * Returns how many frames were stored; stops at the stack's bounds.
 */
unsigned debug_backtrace(uintptr_t *frames, uintptr_t *rets, unsigned max, unsigned skip);

/*
 * Format a panic report (message, backtrace of the caller, kernel version,
 * boot-args) into buf without panicking; returns its length. panic() uses
 * it; tests check the format with it.
 */
size_t panic_format_report(char *buf, size_t size, int cpu, uintptr_t caller, const char *fmt, va_list ap)
        __printflike(5, 0);

/*
 * Describe one code address for a report: "0x<pc>" at least; where known,
 * the kext (`id + 0xoff`) or kernel function, and file:line. Writes a
 * NUL-terminated string into buf and returns its length. Safe to call from
 * a panic (no locks that a panicking thread could hold). Used by panic
 * reports, the watchdog, lock-order and zone-corruption reports.
 */
size_t debug_format_frame(uintptr_t pc, char *buf, size_t size);

/* The same for a return address (a backtrace's): file:line of the call, offsets of the address. */
size_t debug_format_return(uintptr_t ret, char *buf, size_t size);

/* debug_backtrace from a given frame pointer (a faulting thread's RBP). */
unsigned debug_backtrace_from(uintptr_t fp, uintptr_t *frames, uintptr_t *rets, unsigned max, unsigned skip);

/* ---- pieces of a panic report (debug.c, debug_report.c, debug_trap.c) ---- */

/*
 * "Backtrace (CPU n), Frame : Return Address", one line per frame, then the
 * kexts in the backtrace. With first_is_pc, rets[0] is a faulting
 * instruction rather than a return address.
 */
size_t panic_format_backtrace(char *buf, size_t size, int cpu, const uintptr_t *frames, const uintptr_t *rets,
                              unsigned n, bool first_is_pc);
/* "      Kernel Extensions in backtrace:" and one line per kext any of pcs falls in ("" if none). */
size_t panic_format_kexts_in_backtrace(char *buf, size_t size, const uintptr_t *pcs, unsigned n);
/* Kernel version, boot-args, uptime, loaded kexts and the kext load layout. */
size_t panic_format_tail(char *buf, size_t size);
/* "Kernel-YYYY-MM-DD-HHMMSS[-seq].panic" for a calendar second (UTC). */
size_t panic_log_name(int64_t sec, unsigned seq, char *buf, size_t size);
/* Where panic log files go: <root>/Library/Logs/DiagnosticReports (NULL: none). */
void panic_set_root(const char *root);
void panic_write_log_file(const char *report, size_t len);
/* Claim the panic (0), or EBUSY when one is already under way. Arms the deadline. */
int panic_enter(void);
/* The static report buffer (the panicking thread's only). */
char *panic_buffer(size_t *size);
/* Log, console, panic file, then exit with KHOST_EXIT_PANIC. */
__attribute__((__noreturn__)) void panic_finish(const char *report, size_t len);
/* A panic while one is under way: the same thread exits at once, another waits for the first. */
__attribute__((__noreturn__)) void panic_nested(const char *what);

/* ---- traps (debug_trap.c) ---- */
struct khost_trap_state;
/* XNU's name for an x86 trap number ("page fault"), "Unknown" past the table. */
const char *trap_name(unsigned int trapno);
/* A whole fault report: the trap and registers, the backtrace from the fault, the tail. */
size_t trap_format_report(char *buf, size_t size, int cpu, const struct khost_trap_state *ts);

/* Non-zero once a panic has started. */
int panic_active(void);

/* keepsyms=1 boot-arg (debug_args.c), parsed by debug_args_init at boot. */
extern int keepsyms;
void debug_args_init(void);

#endif /* _KERN_DEBUG_INTERNAL_H_ */
