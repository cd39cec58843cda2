/*
 * doprnt.h — the kernel's one printf format engine (private). Every
 * formatted-output function (snprintf, printf, log, panic, IOLog) formats
 * through prf_format() with its own output callback.
 */
#ifndef _LIBKERN_STDIO_DOPRNT_H_
#define _LIBKERN_STDIO_DOPRNT_H_

#include <stdarg.h>
#include <stddef.h>

/* Receives the formatted text in pieces, in order. */
typedef void (*prf_out_fn)(const char *buf, size_t len, void *ctx);

/*
 * Format `fmt` with `ap` and hand the text to `out`. Returns the number of
 * characters produced. Supports %d %i %u %o %x %X %c %s %p %% %b with the
 * flags -+ #0 and space, width, precision ('*' for both) and the length
 * modifiers hh h l ll q z t j L. Floating-point conversions are not
 * supported: they are printed literally and their argument is not consumed.
 */
size_t prf_format(const char *fmt, va_list ap, prf_out_fn out, void *ctx) __printflike(1, 0);

/* XNU's _doprnt (Unsupported KPI): format through a per-character callback. */
void _doprnt(const char *fmt, va_list *argp, void (*putc)(char), int radix);

#endif /* _LIBKERN_STDIO_DOPRNT_H_ */
