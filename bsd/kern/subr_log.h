/*
 * subr_log.h — the kernel message buffer's private interface (the public
 * printers are in <sys/systm.h>, IOLog in <IOKit/IOLib.h>). Text reaches the
 * ring through a per-thread line buffer: a record is committed at each
 * newline, or as a continued record when the line buffer fills.
 */
#ifndef _BSD_KERN_SUBR_LOG_H_
#define _BSD_KERN_SUBR_LOG_H_

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "bsd/kern/msgbuf_format.h"

/* Longest line kept in one record; longer lines become MSGBUF_RF_CONT chains. */
#define LOG_LINE_MAX 256

/* Append formatted text at `level` (LOG_*) with MSGBUF_RF_* flags; returns characters. */
int log_vformat(int level, unsigned flags, const char *fmt, va_list ap) __printflike(3, 0);
/* Append raw text. */
void log_write(int level, unsigned flags, const char *text, size_t len);
/* Commit the calling thread's partial line, if any. */
void log_flush_line(void);

/*
 * Panic output: commit `text` (may hold several lines) at LOG_EMERG with
 * MSGBUF_RF_PANIC and write it to the console, without waiting forever for
 * the log lock (the panicking thread may hold it).
 */
void log_panic_write(const char *text, size_t len);

/* Mirror no log lines to the console (KERNEL_BOOT_QUIET); panics still go there. */
void log_set_quiet(int quiet);
/* Path of the file-backed buffer, or NULL when the buffer is in memory. */
const char *log_buffer_path(void);
/* The live buffer (header + data) and its length, for readers in this process. */
int log_buffer_image(const void **image, size_t *len);
/* Records committed since boot (for tests). */
uint64_t log_record_count(void);

/*
 * Copy up to `max` of the newest committed records' texts, oldest first,
 * into a caller callback (tests and the in-kernel reader use this).
 */
typedef void (*log_record_fn)(const struct msgbuf_record *rec, const char *text, void *ctx);
int log_iterate(log_record_fn fn, void *ctx);

#endif /* _BSD_KERN_SUBR_LOG_H_ */
