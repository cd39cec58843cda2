/*
 * debug_internal.h — panic internals shared inside the kernel.
 */
#ifndef _KERN_DEBUG_INTERNAL_H_
#define _KERN_DEBUG_INTERNAL_H_

#include <stdarg.h>
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

/* Non-zero once a panic has started. */
int panic_active(void);

/* keepsyms=1 boot-arg (debug_args.c), parsed by debug_args_init at boot. */
extern int keepsyms;
void debug_args_init(void);

#endif /* _KERN_DEBUG_INTERNAL_H_ */
